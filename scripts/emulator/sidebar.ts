// GET /sidebar: the real dist/Sidebar.html with `google.script.run` wired to the emulated server functions through
// POST /sidebar/run. Arguments and results travel as JSON, and what Apps Script would not carry is refused here
// first, so a value that breaks live breaks locally: an argument holding a Date, a function or another object that is
// not plain fails the call, with Apps Script's own words, before it is sent; a reply holding one (which Apps Script
// hands the sidebar as null) fails the call too, naming where it is. A thrown error reaches the failure handler.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUN_PATH = '/sidebar/run';

// Apps Script's client: run.withSuccessHandler(f).withFailureHandler(g).withUserObject(o).serverFunction(...args),
// each `with…` returning a new runner. Functions whose name ends in `_` are private to the server.
const GOOGLE_SCRIPT_SHIM = `<script>
(() => {
  const runner = (onSuccess, onFailure, userObject) => new Proxy({}, {
    get(_, name) {
      if (name === 'withSuccessHandler') return (f) => runner(f, onFailure, userObject);
      if (name === 'withFailureHandler') return (f) => runner(onSuccess, f, userObject);
      if (name === 'withUserObject') return (o) => runner(onSuccess, onFailure, o);
      if (typeof name !== 'string') return undefined;
      return (...args) => {
        // Apps Script allows primitives, null, and arrays and plain objects of them (a form, alone); undefined in an
        // array becomes null, and anything else fails the call with these words.
        const illegal = (value, path) => {
          if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return null;
          if (Array.isArray(value)) {
            for (let i = 0; i < value.length; i++) { const bad = illegal(value[i], path + '[' + i + ']'); if (bad) return bad; }
            return null;
          }
          if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
            for (const key of Object.keys(value)) { const bad = illegal(value[key], key); if (bad) return bad; }
            return null;
          }
          return path;
        };
        for (let i = 0; i < args.length; i++) {
          const bad = illegal(args[i], String(i));
          if (bad !== null) {
            const error = new Error('Failed due to illegal value in property: ' + bad);
            setTimeout(() => { if (onFailure) onFailure(error, userObject); else console.error(error); });
            return;
          }
        }
        fetch('${RUN_PATH}', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, args }),
        })
          .then((response) => response.json())
          .then((reply) => {
            if (reply.ok) { if (onSuccess) onSuccess(reply.value, userObject); return; }
            const error = new Error(reply.error.message);
            error.name = reply.error.name;
            if (onFailure) onFailure(error, userObject); else console.error(error);
          }, (error) => { if (onFailure) onFailure(error, userObject); else console.error(error); });
      };
    },
  });
  window.google = window.google || {};
  window.google.script = {
    run: runner(null, null, undefined),
    host: {
      origin: location.origin,
      close: () => { document.body.innerHTML = '<p>The sidebar was closed. <a href="/">Back to the sheets</a></p>'; },
      setHeight: () => {},
      setWidth: () => {},
      editor: { focus: () => {} },
    },
    url: { getLocation: (callback) => callback({ hash: location.hash.slice(1), parameter: {}, parameters: {} }) },
  };
})();
</script>`;

const NOT_YET = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Review sidebar · Stripe Ledger emulator</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:32em;margin:3em auto;color:#202124}</style></head>
<body><h1>Review sidebar</h1>
<p>The review sidebar arrives with its issue: once <code>npm run build</code> writes <code>dist/Sidebar.html</code>,
this page serves it, wired to the emulated server functions.</p>
<p><a href="/">Back to the sheets</a></p></body></html>
`;

/** The page for GET /sidebar: Sidebar.html with the shim first in <head>, or a short note while it does not exist. */
export function sidebarPage(distDir: string): string {
  const file = join(distDir, 'Sidebar.html');
  if (!existsSync(file)) return NOT_YET;
  const html = readFileSync(file, 'utf8');
  const head = /<head[^>]*>/i.exec(html);
  if (head)
    return (
      html.slice(0, head.index + head[0].length) +
      GOOGLE_SCRIPT_SHIM +
      html.slice(head.index + head[0].length)
    );
  return GOOGLE_SCRIPT_SHIM + html;
}

export interface RunRequest {
  name: string;
  args: unknown[];
}

/** The request google.script.run sends, or a reason to refuse it. */
export function parseRunRequest(body: string, callable: ReadonlySet<string>): RunRequest | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  const { name, args } = (parsed ?? {}) as { name?: unknown; args?: unknown };
  if (typeof name !== 'string' || name.endsWith('_') || !callable.has(name)) {
    return `Script function not found: ${String(name)}`;
  }
  if (args !== undefined && !Array.isArray(args)) return 'args must be an array';
  return { name, args: args ?? [] };
}

/**
 * Where a reply holds what JSON cannot carry as such (a Date, a function, a class instance), or null. Apps Script would
 * hand the sidebar null instead of such a reply; the emulator says where it is.
 */
export function unsafeReplyPath(value: unknown, path = 'the reply'): string | null {
  if (value === null || value === undefined) return null;
  if (['string', 'number', 'boolean'].includes(typeof value)) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unsafeReplyPath(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  // Objects made in the script's vm context have that context's Object.prototype: plain means a null or Object one.
  const kind = Object.prototype.toString.call(value);
  if (typeof value === 'object' && kind === '[object Object]') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype === null || Object.getPrototypeOf(prototype) === null) {
      for (const [key, item] of Object.entries(value)) {
        const bad = unsafeReplyPath(item, `${path}.${key}`);
        if (bad) return bad;
      }
      return null;
    }
  }
  return `${path} (${kind === '[object Date]' ? 'a Date' : typeof value === 'function' ? 'a function' : kind})`;
}
