// Stripe → Apps Script webhook relay: one web-standard module (Cloudflare Workers or any Fetch-API runtime).
// Apps Script cannot read request headers and answers every POST with a 302, which Stripe counts as a failed
// delivery; this relay carries the signature in the query, follows the redirect and answers Stripe with a real
// status. It holds no secret: doPost verifies the HMAC against the very bytes Stripe sent.
import { RELAY_STATUS, type WebhookAnswer, type WebhookResult } from '../core/contract';

export interface RelayEnv {
  /** The web app's `/exec` URL. */
  APPS_SCRIPT_URL?: string;
  /** Overall wait for Apps Script, in ms; Workers pass env values as strings. */
  RELAY_TIMEOUT_MS?: string | number;
}

// Stripe events are a few KB; 1 MB leaves room for large invoices without letting stray traffic eat memory.
const MAX_BODY_BYTES = 1024 * 1024;
// Stripe gives up on an endpoint after roughly 10–20 s; answering 503 first lets it retry cleanly.
const DEFAULT_TIMEOUT_MS = 9000;

function answer(status: number, result: WebhookResult, message: string, eventId: string | null = null) {
  const body: WebhookAnswer = { result, eventId, message };
  console.log(`relay: ${result} ${status}`); // never the body, the signature or the target URL
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
}

/** Reads at most `limit` bytes; null when the body is larger (Content-Length can be absent or wrong). */
async function readBodyCapped(request: Request, limit: number): Promise<ArrayBuffer | null> {
  if (Number(request.headers.get('Content-Length') ?? 0) > limit) return null;
  const chunks: BlobPart[] = [];
  let size = 0;
  const reader = (request.body ?? new Blob().stream()).getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    size += part.value.byteLength;
    if (size > limit) return reader.cancel().then(() => null);
    chunks.push(part.value);
  }
  return new Blob(chunks).arrayBuffer();
}

function readVerdict(text: string): WebhookAnswer | null {
  try {
    const parsed = JSON.parse(text) as Partial<WebhookAnswer> | null;
    const result = parsed?.result;
    if (typeof result !== 'string' || !Object.hasOwn(RELAY_STATUS, result)) return null;
    const eventId = typeof parsed?.eventId === 'string' ? parsed.eventId : null;
    return { result, eventId, message: typeof parsed?.message === 'string' ? parsed.message : '' };
  } catch {
    return null;
  }
}

async function forward(target: URL, body: ArrayBuffer, signature: string, timeoutMs: number) {
  const url = new URL(target);
  url.searchParams.set('stripe_signature', signature);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  try {
    let reply = await fetch(url, {
      method: 'POST',
      // charset=utf-8 makes Apps Script decode postData.contents as UTF-8, so the HMAC holds for non-ASCII names.
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body,
      redirect: 'manual',
      signal: deadline.signal,
    });
    const location = reply.headers.get('Location');
    if (reply.status >= 300 && reply.status < 400 && location) {
      // doPost has already run; the verdict waits at script.googleusercontent.com and must be fetched with GET.
      await reply.body?.cancel();
      reply = await fetch(new URL(location, url), { method: 'GET', signal: deadline.signal });
    }
    if (!reply.ok) {
      await reply.body?.cancel();
      return answer(503, 'error', `relay: Apps Script answered HTTP ${reply.status}`);
    }
    const verdict = readVerdict(await reply.text());
    if (!verdict) return answer(503, 'error', 'relay: Apps Script answer was not a webhook verdict');
    return answer(RELAY_STATUS[verdict.result], verdict.result, verdict.message, verdict.eventId);
  } catch {
    return deadline.signal.aborted
      ? answer(503, 'error', `relay: Apps Script did not answer within ${timeoutMs} ms`)
      : answer(503, 'error', 'relay: could not reach Apps Script');
  } finally {
    clearTimeout(timer);
  }
}

function targetUrl(env: RelayEnv): URL | null {
  try {
    return env.APPS_SCRIPT_URL ? new URL(env.APPS_SCRIPT_URL) : null;
  } catch {
    return null;
  }
}

export default {
  async fetch(request: Request, env: RelayEnv): Promise<Response> {
    const target = targetUrl(env);
    if (request.method === 'GET' || request.method === 'HEAD') {
      const text = target
        ? 'Stripe Ledger relay is running. Stripe webhooks are POSTed here.\n'
        : 'Stripe Ledger relay: APPS_SCRIPT_URL is not set to a valid URL.\n';
      const headers = { 'Content-Type': 'text/plain; charset=utf-8' };
      return new Response(request.method === 'HEAD' ? null : text, { status: target ? 200 : 500, headers });
    }
    if (request.method !== 'POST') {
      const reply = answer(405, 'rejected', 'relay: only POST is accepted');
      reply.headers.set('Allow', 'POST, GET, HEAD');
      return reply;
    }
    if (!target) return answer(500, 'error', 'relay: APPS_SCRIPT_URL is not set to a valid URL');
    const signature = request.headers.get('Stripe-Signature');
    if (!signature) return answer(400, 'rejected', 'relay: no Stripe-Signature header');
    const body = await readBodyCapped(request, MAX_BODY_BYTES);
    if (!body) return answer(413, 'rejected', `relay: body larger than ${MAX_BODY_BYTES} bytes`);
    const timeoutMs = Number(env.RELAY_TIMEOUT_MS);
    return forward(target, body, signature, timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS);
  },
};
