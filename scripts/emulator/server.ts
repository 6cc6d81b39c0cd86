// The local emulator's HTTP server. POST /webhook plays the relay in front of doPost (see docs/RELAY.md); GET /
// shows the sheets, and POST /cells, /rows and /menu let a person edit them and run the menu (trial-routes.ts);
// GET /sidebar serves the review sidebar. Every entry point is called by name in the vm context, exactly as Apps
// Script would call it.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { RELAY_STATUS, type WebhookResult } from '../../src/core/contract';
import { FAVICON } from './favicon';
import { renderSpreadsheet } from './render';
import { loadScriptRuntime, type ScriptRuntime } from './runtime';
import { parseRunRequest, RUN_PATH, sidebarPage, unsafeReplyPath } from './sidebar';
import { StartupError } from './startup-error';
import { handleTrial, type OutcomeBoard, TRIAL_PATHS } from './trial-routes';

export interface EmulatorOptions {
  /** Listen port on 127.0.0.1; 0 picks a free one. Default 8787. */
  port?: number;
  host?: string;
  /** The state folder (`.emulator/<port>/` in the project, or `--state`). */
  dir: string;
  /**
   * STRIPE_WEBHOOK_SECRETS (comma-separated) for this run, never saved; '' runs without any. Undefined keeps the
   * saved one. A malformed value is refused with a StartupError.
   */
  secrets?: string;
  /** Start a missing state with an empty spreadsheet instead of the demo ledger. */
  empty?: boolean;
  /** Where dist/Code.js is; default the project's dist/. */
  distDir?: string;
  /** One line per webhook and sidebar call; default silent. */
  log?: (line: string) => void;
}

export interface Emulator {
  url: string;
  /** True when this start seeded the demo ledger. */
  seeded: boolean;
  /** The secrets doPost verifies with, as the script properties hold them now. */
  secrets: string[];
  /** Where those come from: this run's environment (not saved), the saved state, or nowhere. */
  secretsSource: 'environment' | 'saved' | 'none';
  stateFile: string;
  close(): Promise<void>;
}

export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

// The relay's cap (src/relay/relay.ts): Stripe events are a few KB.
const MAX_BODY_BYTES = 1024 * 1024;

type Verdict = { result: string; eventId: string | null; message: string };

/** The HTTP status the relay answers Stripe for a doPost verdict; anything unreadable is 503 so Stripe retries. */
export function relayStatus(result: string): number {
  return Object.hasOwn(RELAY_STATUS, result) ? RELAY_STATUS[result as WebhookResult] : 503;
}

class TooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      reject(new TooLarge());
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new TooLarge());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, type: string, body: string, headers = {}): void {
  response.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(body);
}

function sendVerdict(response: ServerResponse, status: number, verdict: Verdict): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(verdict));
}

/** The `e` Apps Script hands doPost for what the relay forwards: body as UTF-8 text, the header as a parameter. */
function doPostEvent(body: Buffer, signature: string): object {
  const contents = body.toString('utf8');
  return {
    postData: { contents, length: body.length, type: 'application/json', name: 'postData' },
    parameter: { stripe_signature: signature },
    parameters: { stripe_signature: [signature] },
    queryString: `stripe_signature=${encodeURIComponent(signature)}`,
    contextPath: '',
    contentLength: body.length,
  };
}

function readVerdict(output: unknown): Verdict | null {
  try {
    const text = (output as { getContent(): string }).getContent();
    const parsed = JSON.parse(text) as Partial<Verdict> | null;
    if (typeof parsed?.result !== 'string' || !Object.hasOwn(RELAY_STATUS, parsed.result)) return null;
    return {
      result: parsed.result,
      eventId: typeof parsed.eventId === 'string' ? parsed.eventId : null,
      message: typeof parsed.message === 'string' ? parsed.message : '',
    };
  } catch {
    return null;
  }
}

async function handleWebhook(
  runtime: ScriptRuntime,
  request: IncomingMessage,
  response: ServerResponse,
  log: (line: string) => void,
): Promise<void> {
  const signature = request.headers['stripe-signature'];
  if (typeof signature !== 'string' || signature === '') {
    sendVerdict(response, 400, {
      result: 'rejected',
      eventId: null,
      message: 'emulator: no Stripe-Signature header',
    });
    log('POST /webhook 400 rejected (no Stripe-Signature header)');
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error;
    sendVerdict(response, 413, {
      result: 'rejected',
      eventId: null,
      message: `emulator: body larger than ${MAX_BODY_BYTES} bytes`,
    });
    return;
  }
  let verdict: Verdict | null;
  try {
    verdict = readVerdict(runtime.call('doPost', doPostEvent(body, signature)));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    verdict = { result: 'error', eventId: null, message: `emulator: doPost threw: ${detail}` };
  }
  const answer = verdict ?? {
    result: 'error',
    eventId: null,
    message: 'emulator: doPost answer was not a verdict',
  };
  const status = relayStatus(answer.result);
  sendVerdict(response, status, answer);
  log(
    ['POST /webhook', status, answer.result, answer.eventId, answer.message].filter((part) => part).join(' '),
  );
}

/** google.script.run comes from the page we served; refuse other sites' pages posting to localhost. */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

async function handleSidebarRun(
  runtime: ScriptRuntime,
  request: IncomingMessage,
  response: ServerResponse,
  log: (line: string) => void,
): Promise<void> {
  const json = 'application/json; charset=utf-8';
  if (!sameOrigin(request) || !String(request.headers['content-type'] ?? '').startsWith('application/json')) {
    send(
      response,
      403,
      json,
      JSON.stringify({ ok: false, error: { name: 'Error', message: 'cross-site call' } }),
    );
    return;
  }
  const parsed = parseRunRequest(
    (await readBody(request, MAX_BODY_BYTES)).toString('utf8'),
    runtime.functionNames,
  );
  if (typeof parsed === 'string') {
    send(response, 400, json, JSON.stringify({ ok: false, error: { name: 'ScriptError', message: parsed } }));
    return;
  }
  try {
    const value = runtime.call(parsed.name, ...parsed.args);
    const unsafe = unsafeReplyPath(value);
    if (unsafe) {
      const message = `${parsed.name}() returned ${unsafe}: Apps Script would hand the sidebar null instead of this reply. Send times as ISO text.`;
      send(response, 200, json, JSON.stringify({ ok: false, error: { name: 'Error', message } }));
      log(`sidebar ${parsed.name}() failed: ${message}`);
      return;
    }
    send(response, 200, json, JSON.stringify({ ok: true, value: value === undefined ? null : value }));
    log(`sidebar ${parsed.name}() ok`);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    send(response, 200, json, JSON.stringify({ ok: false, error: { name, message } }));
    log(`sidebar ${parsed.name}() failed: ${message}`);
  }
}

export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const distDir = options.distDir ?? join(PROJECT_ROOT, 'dist');
  const log = options.log ?? (() => {});
  // The port first: a port in use must not leave a freshly seeded state folder behind.
  const server = createServer();
  const port = options.port ?? 8787;
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    throw listenProblem(error, port, host);
  }
  let runtime: ScriptRuntime;
  try {
    // Synchronous: no request is handled before the handler below is attached.
    runtime = loadScriptRuntime({
      stateDir: options.dir,
      distDir,
      secrets: options.secrets,
      empty: options.empty,
    });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const board: OutcomeBoard = { current: null, next: 0 };
  const html = 'text/html; charset=utf-8';

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://emulator').pathname;
    const method = request.method ?? 'GET';
    if (path === '/webhook') {
      if (method === 'POST') return handleWebhook(runtime, request, response, log);
      if (method === 'GET' || method === 'HEAD') {
        // What a monitor sees at /exec: doGet's liveness JSON.
        const output = runtime.call('doGet', { parameter: {}, parameters: {}, queryString: '' });
        const body = (output as { getContent(): string }).getContent();
        return send(response, 200, 'application/json; charset=utf-8', method === 'HEAD' ? '' : body);
      }
      return send(
        response,
        405,
        'application/json; charset=utf-8',
        JSON.stringify({ result: 'rejected', eventId: null, message: 'emulator: only POST is accepted' }),
        { Allow: 'POST, GET, HEAD' },
      );
    }
    if (path === RUN_PATH && method === 'POST') return handleSidebarRun(runtime, request, response, log);
    if (TRIAL_PATHS.has(path) && method === 'POST') {
      if (!sameOrigin(request))
        return send(response, 403, 'text/plain; charset=utf-8', 'cross-site request\n');
      const body = (await readBody(request, MAX_BODY_BYTES)).toString('utf8');
      return handleTrial(runtime, board, path, request, response, body, log);
    }
    if (method !== 'GET' && method !== 'HEAD')
      return send(response, 405, 'text/plain; charset=utf-8', 'GET only\n');
    if (path === '/') {
      return send(response, 200, html, renderSpreadsheet(runtime, board.current, revision(runtime, board)));
    }
    if (path === '/revision')
      return send(response, 200, 'text/plain; charset=utf-8', revision(runtime, board));
    if (path === '/sidebar') return send(response, 200, html, sidebarPage(distDir));
    if (path === '/favicon.svg' || path === '/favicon.ico') {
      return send(response, 200, 'image/svg+xml', FAVICON, { 'Cache-Control': 'max-age=86400' });
    }
    return send(response, 404, 'text/plain; charset=utf-8', 'Not found. Try / or POST /webhook.\n');
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    route(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      log(`${request.method} ${request.url} failed: ${message}`);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', `emulator: ${message}\n`);
      else response.end();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    seeded: runtime.seeded,
    secrets: runtime.configuredSecrets(),
    secretsSource: runtime.secretsSource,
    stateFile: runtime.stateFile,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          runtime.close();
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** The sheets' revision and the outcome on show: a page reloads when either changes. */
function revision(runtime: ScriptRuntime, board: OutcomeBoard): string {
  return `${runtime.revision()}.${board.current?.id ?? 0}`;
}

function listenProblem(error: unknown, port: number, host: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new StartupError(
      `Port ${port} is in use (another emulator, or another program): stop it, or start on another port, ` +
        `e.g. PORT=${port === 65535 ? 8788 : port + 1} npm start`,
    );
  }
  if (code === 'EACCES') {
    return new StartupError(
      `Port ${port} on ${host} needs privileges: use a port above 1023, e.g. PORT=8787 npm start`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
