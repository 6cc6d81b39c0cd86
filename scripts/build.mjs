// Builds dist/: Code.js (webpack + esbuild-loader + gas-webpack-plugin), appsscript.json, relay.js, Sidebar.html.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import GasPlugin from 'gas-webpack-plugin';
import webpack from 'webpack';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

function buildServer() {
  const config = {
    mode: 'production',
    context: root,
    entry: './src/main.ts',
    output: { path: dist, filename: 'Code.js' },
    resolve: { extensions: ['.ts', '.js'] },
    module: { rules: [{ test: /\.ts$/, loader: 'esbuild-loader', options: { target: 'es2020' } }] },
    // Apps Script parses the bundle on every execution: keep it small but readable in the editor.
    optimization: { minimize: false },
    devtool: false,
    performance: { hints: false },
    plugins: [new GasPlugin({ autoGlobalExportsFiles: [] })],
  };
  return new Promise((resolve, reject) => {
    webpack(config, (err, stats) => {
      if (err) return reject(err);
      if (stats.hasErrors()) return reject(new Error(stats.toString('errors-only')));
      resolve();
    });
  });
}

async function buildRelay() {
  const entry = join(root, 'src/relay/relay.ts');
  if (!existsSync(entry)) return;
  await esbuild.build({
    entryPoints: [entry],
    outfile: join(dist, 'relay.js'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    legalComments: 'none',
  });
}

async function buildSidebar() {
  const entry = join(root, 'src/sidebar/sidebar.ts');
  const page = join(root, 'src/sidebar/Sidebar.html');
  if (!existsSync(entry) || !existsSync(page)) return;
  const js = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
  });
  const css = existsSync(join(root, 'src/sidebar/sidebar.css'))
    ? readFileSync(join(root, 'src/sidebar/sidebar.css'), 'utf8')
    : '';
  const script = js.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
  const html = readFileSync(page, 'utf8')
    .replace('/*__CSS__*/', () => css)
    .replace('/*__JS__*/', () => script);
  writeFileSync(join(dist, 'Sidebar.html'), html);
}

await buildServer();
copyFileSync(join(root, 'appsscript.json'), join(dist, 'appsscript.json'));
await buildRelay();
await buildSidebar();
console.log(
  `built dist/Code.js, dist/appsscript.json${existsSync(join(dist, 'relay.js')) ? ', dist/relay.js' : ''}`,
);
