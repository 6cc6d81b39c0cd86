import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  type MockInstance,
  vi,
} from 'vitest';
import relay, { type RelayEnv } from '../../src/relay/relay';

// A local imitation of an Apps Script web app: POST /exec runs "doPost" and answers 302 to a
// script.googleusercontent.com-like path on the same server, which serves the verdict to a GET.

interface Arrival {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  body: Buffer;
}

interface Imitation {
  /** How POST /exec answers: Apps Script's usual 302, or a direct answer. */
  exec: 'redirect' | { status: number; body: string };
  verdict: { status: number; body: string; delayMs?: number };
}

const ONE_MB = 1024 * 1024;
const WEBHOOK_SECRET = 'whsec_test_relay_only_used_to_shape_a_real_header';

let server: Server;
let origin: string;
let arrivals: Arrival[] = [];
let imitation: Imitation;
let consoleLog: MockInstance<typeof console.log>;
const pendingTimers = new Set<NodeJS.Timeout>();

function verdictOf(result: string, eventId: string | null, message: string): Imitation['verdict'] {
  return { status: 200, body: JSON.stringify({ result, eventId, message }) };
}

function serveAppsScript(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const url = new URL(request.url ?? '/', origin);
    arrivals.push({
      method: request.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      contentType: request.headers['content-type'],
      body: Buffer.concat(chunks),
    });
    if (request.method === 'POST' && url.pathname === '/macros/s/AKfyc-test/exec') {
      if (imitation.exec !== 'redirect') {
        response.writeHead(imitation.exec.status, { 'Content-Type': 'application/json' });
        response.end(imitation.exec.body);
        return;
      }
      response.writeHead(302, { Location: `${origin}/macros/echo?user_content_key=k1&lib=Mtest` });
      response.end('<HTML><HEAD><TITLE>Moved Temporarily</TITLE></HEAD></HTML>');
      return;
    }
    if (request.method === 'GET' && url.pathname === '/macros/echo') {
      const { status, body, delayMs = 0 } = imitation.verdict;
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        if (response.destroyed) return;
        response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
        response.end(body);
      }, delayMs);
      pendingTimers.add(timer);
      return;
    }
    response.writeHead(404);
    response.end('not found');
  });
}

function envFor(overrides: Partial<RelayEnv> = {}): RelayEnv {
  return { APPS_SCRIPT_URL: `${origin}/macros/s/AKfyc-test/exec`, RELAY_TIMEOUT_MS: '2000', ...overrides };
}

function signatureFor(payload: string, timestamp = 1_767_225_600): string {
  const v1 = createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1},v0=${'0'.repeat(64)}`;
}

function invoicePaidEvent(customerName: string, lineCount = 1): string {
  const lines = Array.from({ length: lineCount }, (_, index) => ({
    id: `il_1Pgc6tB7WZ01zgkW${String(index).padStart(8, '0')}`,
    object: 'line_item',
    amount: 45_000,
    currency: 'eur',
    description: `Frais de scolarité — instalment ${index + 1} for ${customerName}`,
  }));
  return JSON.stringify({
    id: 'evt_1PgcAbB7WZ01zgkWpaidZoe',
    object: 'event',
    api_version: '2025-03-31.basil',
    created: 1_767_225_600,
    type: 'invoice.paid',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: 'in_1Pgc6tB7WZ01zgkWu9fdqL6I',
        object: 'invoice',
        customer: 'cus_QXhQAZ8ZfZ4bAb',
        customer_name: customerName,
        currency: 'eur',
        amount_due: 45_000 * lineCount,
        amount_paid: 45_000 * lineCount,
        status: 'paid',
        lines: { object: 'list', data: lines, has_more: false },
      },
    },
  });
}

function stripeDelivery(
  payload: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
): Request {
  const text = typeof payload === 'string' ? payload : '';
  return new Request('https://relay.example.workers.dev/', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Stripe-Signature': signatureFor(text),
      ...headers,
    },
    body: payload,
  });
}

async function answerOf(response: Response): Promise<{ status: number; json: Record<string, unknown> }> {
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  server = createServer(serveAppsScript);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  arrivals = [];
  imitation = { exec: 'redirect', verdict: verdictOf('processed', 'evt_1PgcAbB7WZ01zgkWpaidZoe', 'applied') };
  consoleLog = vi.spyOn(console, 'log').mockImplementation(() => {});
});

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  for (const timer of pendingTimers) clearTimeout(timer);
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('forwarding a Stripe delivery to Apps Script', () => {
  it('forwards a body with non-ASCII customer names byte for byte, declared as UTF-8 JSON', async () => {
    const payload = invoicePaidEvent('Zoë 山田');
    await relay.fetch(stripeDelivery(payload), envFor());
    const posted = arrivals.find((arrival) => arrival.method === 'POST');
    expect(posted?.body.equals(Buffer.from(payload, 'utf8'))).toBe(true);
    expect(posted?.contentType).toBe('application/json; charset=utf-8');
  });

  it('forwards a 200 KB invoice event byte for byte', async () => {
    const payload = invoicePaidEvent('Zoë 山田', 1300);
    expect(Buffer.byteLength(payload)).toBeGreaterThan(200 * 1024);
    const response = await relay.fetch(stripeDelivery(payload), envFor());
    const posted = arrivals.find((arrival) => arrival.method === 'POST');
    expect(posted?.body.equals(Buffer.from(payload, 'utf8'))).toBe(true);
    expect(response.status).toBe(200);
  });

  it('forwards bytes that are not valid UTF-8 unchanged rather than re-encoding them', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]);
    await relay.fetch(stripeDelivery(bytes), envFor());
    const posted = arrivals.find((arrival) => arrival.method === 'POST');
    expect(posted?.body.equals(Buffer.from(bytes))).toBe(true);
  });

  it('copies the Stripe-Signature header into the stripe_signature query parameter', async () => {
    const payload = invoicePaidEvent('Zoë 山田');
    await relay.fetch(stripeDelivery(payload), envFor());
    const posted = arrivals.find((arrival) => arrival.method === 'POST');
    expect(posted?.query.get('stripe_signature')).toBe(signatureFor(payload));
  });

  it('keeps the query already present in APPS_SCRIPT_URL', async () => {
    const env = envFor({
      APPS_SCRIPT_URL: `${origin}/macros/s/AKfyc-test/exec?school=north&term=2026 spring`,
    });
    await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë 山田')), env);
    const posted = arrivals.find((arrival) => arrival.method === 'POST');
    expect(posted?.query.get('school')).toBe('north');
    expect(posted?.query.get('term')).toBe('2026 spring');
    expect(posted?.query.get('stripe_signature')).toMatch(/^t=\d+,v1=[0-9a-f]{64},v0=0{64}$/);
  });

  it("follows Apps Script's 302 with a GET that carries no body", async () => {
    const response = await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë 山田')), envFor());
    expect(arrivals.map((arrival) => `${arrival.method} ${arrival.path}`)).toEqual([
      'POST /macros/s/AKfyc-test/exec',
      'GET /macros/echo',
    ]);
    expect(arrivals[1]?.body.byteLength).toBe(0);
    expect(arrivals[1]?.query.get('user_content_key')).toBe('k1');
    expect(response.status).toBe(200);
  });

  it('reads a verdict answered directly with 200, without a redirect', async () => {
    imitation.exec = {
      status: 200,
      body: JSON.stringify({ result: 'duplicate', eventId: 'evt_9', message: 'seen' }),
    };
    const { status, json } = await answerOf(
      await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë')), envFor()),
    );
    expect(arrivals).toHaveLength(1);
    expect(status).toBe(200);
    expect(json).toEqual({ result: 'duplicate', eventId: 'evt_9', message: 'seen' });
  });
});

describe("answering Stripe from doPost's verdict", () => {
  it.each([
    ['processed', 200],
    ['duplicate', 200],
    ['ignored', 200],
    ['rejected', 400],
    ['queued', 200],
    ['busy', 503],
    ['error', 503],
  ])('answers a %s verdict with HTTP %i and passes the verdict through', async (result, expected) => {
    imitation.verdict = verdictOf(result, 'evt_1PgcAbB7WZ01zgkWpaidZoe', `doPost said ${result}`);
    const { status, json } = await answerOf(
      await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë')), envFor()),
    );
    expect(status).toBe(expected);
    expect(json).toEqual({
      result,
      eventId: 'evt_1PgcAbB7WZ01zgkWpaidZoe',
      message: `doPost said ${result}`,
    });
  });

  it('answers 503 when Apps Script answers an HTML page instead of JSON', async () => {
    imitation.verdict = { status: 200, body: '<html><body>Script function not found: doPost</body></html>' };
    const { status, json } = await answerOf(
      await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë')), envFor()),
    );
    expect(status).toBe(503);
    expect(json.result).toBe('error');
  });

  it('answers 503 when the JSON is not a webhook verdict', async () => {
    imitation.verdict = { status: 200, body: JSON.stringify({ ok: true, version: '0.1.0' }) };
    const { status } = await answerOf(await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë')), envFor()));
    expect(status).toBe(503);
  });

  it('answers 503 when the verdict names an unknown result', async () => {
    imitation.verdict = verdictOf('accepted', 'evt_1', 'not in the contract');
    const { status } = await answerOf(await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë')), envFor()));
    expect(status).toBe(503);
  });

  it('answers 503 when Apps Script answers HTTP 500', async () => {
    imitation.verdict = {
      status: 500,
      body: JSON.stringify({ result: 'processed', eventId: 'evt_1', message: '' }),
    };
    const { status, json } = await answerOf(
      await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë')), envFor()),
    );
    expect(status).toBe(503);
    expect(json.message).toContain('500');
  });

  it('answers 503 when Apps Script is slower than RELAY_TIMEOUT_MS', async () => {
    imitation.verdict = { ...verdictOf('processed', 'evt_1', 'late'), delayMs: 5000 };
    const started = Date.now();
    const response = await relay.fetch(
      stripeDelivery(invoicePaidEvent('Zoë')),
      envFor({ RELAY_TIMEOUT_MS: '300' }),
    );
    const { status, json } = await answerOf(response);
    expect(status).toBe(503);
    expect(json.message).toContain('300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers 503 without naming the target when Apps Script cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const env = envFor({ APPS_SCRIPT_URL: `http://127.0.0.1:${port}/macros/s/AKfyc-test/exec` });
    const response = await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë')), env);
    const text = await response.text();
    expect(response.status).toBe(503);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('AKfyc');
  });
});

describe('refusing what is not a Stripe delivery', () => {
  it('answers 400 and forwards nothing when the Stripe-Signature header is missing', async () => {
    const request = new Request('https://relay.example.workers.dev/', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: invoicePaidEvent('Zoë'),
    });
    const { status, json } = await answerOf(await relay.fetch(request, envFor()));
    expect(status).toBe(400);
    expect(json.result).toBe('rejected');
    expect(arrivals).toHaveLength(0);
  });

  it('answers 413 from a Content-Length over 1 MB before reading the body, and forwards nothing', async () => {
    const request = stripeDelivery(invoicePaidEvent('Zoë'), { 'Content-Length': String(2 * ONE_MB) });
    const response = await relay.fetch(request, envFor());
    expect(response.status).toBe(413);
    expect(request.bodyUsed).toBe(false);
    expect(arrivals).toHaveLength(0);
  });

  it('answers 413 and forwards nothing when the body itself passes 1 MB', async () => {
    const payload = invoicePaidEvent('Zoë', 7000);
    expect(Buffer.byteLength(payload)).toBeGreaterThan(ONE_MB);
    const response = await relay.fetch(stripeDelivery(payload), envFor());
    expect(response.status).toBe(413);
    expect(arrivals).toHaveLength(0);
  });

  it('answers 413 and forwards nothing when a streamed body without Content-Length passes 1 MB', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: 20 chunks of 64 KB, enough to pass 1 MB and stop.
        if (sent >= 20) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const request = new Request('https://relay.example.workers.dev/', {
      method: 'POST',
      headers: { 'Stripe-Signature': signatureFor('') },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(request.headers.get('Content-Length')).toBeNull();
    const response = await relay.fetch(request, envFor());
    expect(response.status).toBe(413);
    expect(arrivals).toHaveLength(0);
  });

  it('forwards a body of exactly 1 MB', async () => {
    const payload = new Uint8Array(ONE_MB).fill(0x20);
    const response = await relay.fetch(stripeDelivery(payload), envFor());
    expect(response.status).toBe(200);
    expect(arrivals[0]?.body.byteLength).toBe(ONE_MB);
  });

  it('answers PUT with 405, an Allow header, and forwards nothing', async () => {
    const request = new Request('https://relay.example.workers.dev/', { method: 'PUT', body: '{}' });
    const response = await relay.fetch(request, envFor());
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('POST, GET, HEAD');
    expect(arrivals).toHaveLength(0);
  });
});

describe('health and configuration', () => {
  it('answers GET with a short health text that does not reveal the target URL', async () => {
    const response = await relay.fetch(new Request('https://relay.example.workers.dev/'), envFor());
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('running');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('AKfyc');
    expect(arrivals).toHaveLength(0);
  });

  it('answers HEAD with 200 and no body', async () => {
    const response = await relay.fetch(
      new Request('https://relay.example.workers.dev/', { method: 'HEAD' }),
      envFor(),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('answers a delivery with 500 naming APPS_SCRIPT_URL when it is not set', async () => {
    const env = envFor({ APPS_SCRIPT_URL: undefined });
    const { status, json } = await answerOf(await relay.fetch(stripeDelivery(invoicePaidEvent('Zoë')), env));
    expect(status).toBe(500);
    expect(json.message).toContain('APPS_SCRIPT_URL');
  });

  it('answers GET with 500 when APPS_SCRIPT_URL is not a URL, so the owner notices at once', async () => {
    const env = envFor({ APPS_SCRIPT_URL: 'script.google.com/macros/s/AKfyc-test/exec' });
    const response = await relay.fetch(new Request('https://relay.example.workers.dev/'), env);
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('APPS_SCRIPT_URL');
  });

  it('logs only the result and status, never the body, signature or target URL', async () => {
    const payload = invoicePaidEvent('Zoë 山田');
    await relay.fetch(stripeDelivery(payload), envFor());
    const logged = consoleLog.mock.calls.flat().join('\n');
    expect(logged).toContain('processed');
    expect(logged).toContain('200');
    expect(logged).not.toContain('Zoë');
    expect(logged).not.toContain(signatureFor(payload).slice(0, 20));
    expect(logged).not.toContain('AKfyc');
  });
});

describe('the bundled relay', () => {
  it('builds into one self-contained ES module that relays a delivery on its own', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'relay-bundle-'));
    try {
      const outfile = join(outdir, 'relay.js');
      await build({
        entryPoints: ['src/relay/relay.ts'],
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        outfile,
        logLevel: 'silent',
      });
      const source = await readFile(outfile, 'utf8');
      expect(source).not.toMatch(/^\s*import\s/m);
      expect(source).not.toMatch(/\brequire\(/);
      const bundled = (await import(pathToFileURL(outfile).href)) as { default: typeof relay };
      const response = await bundled.default.fetch(stripeDelivery(invoicePaidEvent('Zoë 山田')), envFor());
      expect(response.status).toBe(200);
      expect(arrivals.map((arrival) => arrival.method)).toEqual(['POST', 'GET']);
    } finally {
      await rm(outdir, { recursive: true, force: true });
    }
  });
});
