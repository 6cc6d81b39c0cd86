// `npm start` builds first when dist/ is missing or older than src/, so the emulator always runs what clasp would push.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** Why dist/ needs a build, or null when it is current. */
export function staleReason(root: string): string | null {
  const code = join(root, 'dist', 'Code.js');
  if (!existsSync(code)) return 'dist/Code.js is missing';
  const sources = [join(root, 'src'), join(root, 'appsscript.json')].filter((p) => existsSync(p));
  const newestSource = Math.max(...sources.map(newestChange));
  return newestSource > statSync(code).mtimeMs ? 'src/ changed since the last build' : null;
}

export function buildIfStale(root: string, say: (line: string) => void): void {
  const reason = staleReason(root);
  if (!reason) return;
  say(`Building dist/ (${reason})…`);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
}
