// Where an emulator keeps its spreadsheet: one folder per emulator. Two writing the same state.json would each
// overwrite the other's ledger, so a folder is locked by a file naming its owner's process (a lock left by a process
// that no longer runs is taken over).

import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { StartupError } from './startup-error';

/**
 * Before state was kept per port, every emulator used `.emulator/state.json`: the first to start in its new folder
 * takes it over, so a restart after upgrading keeps the ledger. Returns a line to print, or null.
 */
export function adoptSharedState(stateDir: string): string | null {
  const shared = join(dirname(stateDir), 'state.json');
  const own = join(stateDir, 'state.json');
  if (existsSync(own) || !existsSync(shared)) return null;
  mkdirSync(stateDir, { recursive: true });
  renameSync(shared, own);
  return `Moved ${shared} to ${own}: each port keeps its own spreadsheet now.`;
}

/** Takes the folder's lock and returns its release; a StartupError when another running emulator holds it. */
export function lockStateFolder(dir: string): () => void {
  const file = join(dir, 'emulator.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let held = true;
      return () => {
        if (held) rmSync(file, { force: true });
        held = false;
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (running(owner)) {
        throw new StartupError(
          `Another emulator (process ${owner}) is using ${dir}: stop it, or give this one a folder of its own ` +
            'with `npm start -- --state <folder>`.',
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new StartupError(`Could not lock ${dir}: another emulator keeps starting there.`);
}

function running(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
