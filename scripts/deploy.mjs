// npm run deploy: build, push, then update the web app deployment in place, so its /exec URL (which the relay
// forwards to) stays the same. The first deploy creates the deployment and prints its id to keep.
import { execFileSync } from 'node:child_process';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });
const id = process.env.WEBAPP_DEPLOYMENT_ID?.trim();
const description = `Stripe Ledger ${new Date().toISOString().slice(0, 16)}`;

run(process.execPath, ['scripts/build.mjs']);
run('npx', ['clasp', 'push', '--force']);
if (id) {
  run('npx', ['clasp', 'update-deployment', id, '--description', description]);
} else {
  run('npx', ['clasp', 'create-deployment', '--description', description]);
  console.log(
    '\nA new web app deployment was created (its URL is shown above and in the Apps Script editor).\n' +
      'Next time run WEBAPP_DEPLOYMENT_ID=<that id> npm run deploy, so the URL the relay uses stays the same.',
  );
}
