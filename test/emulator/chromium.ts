// Debian's Chromium as the browser tests drive it (`.ci/run` installs it; a test skips only when it is absent).
// The flags keep it from reaching for Google's hosts, which this machine's closed network refuses.

import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
