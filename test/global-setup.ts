// Builds dist/ once before the suite, so `npm test` works on a fresh clone and the bundle test loads what clasp pushes.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
