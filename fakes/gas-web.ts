// ContentService, HtmlService and UrlFetchApp (requests go to a FakeFetchHandler, e.g. the Stripe API double).

import type { FakeFetchHandler, FakeFetchRequest, FakeFetchResponse } from './fetch-types';
import { type Env, GasObject, gasEnum, isDate, unwrap } from './gas-core';
import { FakeBlob, fromBytes } from './gas-utilities';

export const ContentMimeType = gasEnum(
  'ATOM',
  'CSV',
  'ICAL',
  'JAVASCRIPT',
  'JSON',
  'RSS',
  'TEXT',
  'VCARD',
  'XML',
);
export const SandboxMode = gasEnum('EMULATED', 'IFRAME', 'NATIVE');
export const XFrameOptionsMode = gasEnum('ALLOWALL', 'DEFAULT');

// --- ContentService -------------------------------------------------------------------------------------------

export class FakeTextOutput extends GasObject {
  private mimeType: string = ContentMimeType.TEXT;
  private fileName: string | null = null;
  constructor(
    env: Env,
    private content: string,
  ) {
    super(env, 'TextOutput');
  }
  getContent(): string {
    return this.content;
  }
  setContent(content: string): FakeTextOutput {
    this.content = String(content);
    return this;
  }
  append(addedContent: string): FakeTextOutput {
    this.content += String(addedContent);
    return this;
  }
  clear(): FakeTextOutput {
    this.content = '';
    return this;
  }
  getMimeType(): string {
    return this.mimeType;
  }
  setMimeType(mimeType: string): FakeTextOutput {
    if (!(String(mimeType) in ContentMimeType)) throw this._env.error('Invalid argument: mimeType');
    this.mimeType = String(mimeType);
    return this;
  }
  downloadAsFile(filename: string): FakeTextOutput {
    this.fileName = String(filename);
    return this;
  }
  getFileName(): string | null {
    return this.fileName;
  }
}

export class FakeContentService extends GasObject {
  readonly MimeType = ContentMimeType;
  constructor(env: Env) {
    super(env, 'ContentService');
  }
  createTextOutput(content?: string): FakeTextOutput {
    return new FakeTextOutput(this._env, content === undefined ? '' : String(content));
  }
}

// --- HtmlService ----------------------------------------------------------------------------------------------

export class FakeHtmlOutput extends GasObject {
  private title = '';
  private width = 600;
  private height = 400;
  private sandboxMode: string = SandboxMode.IFRAME;
  private xFrameOptionsMode: string = XFrameOptionsMode.DEFAULT;
  readonly metaTags: { name: string; content: string }[] = [];
  constructor(
    env: Env,
    private content: string,
  ) {
    super(env, 'HtmlOutput');
  }
  getContent(): string {
    return this.content;
  }
  setContent(content: string): FakeHtmlOutput {
    this.content = String(content);
    return this;
  }
  append(addedContent: string): FakeHtmlOutput {
    this.content += String(addedContent);
    return this;
  }
  appendUntrusted(addedContent: string): FakeHtmlOutput {
    return this.append(
      String(addedContent).replace(
        /[&<>"']/g,
        (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
      ),
    );
  }
  clear(): FakeHtmlOutput {
    this.content = '';
    return this;
  }
  getTitle(): string {
    return this.title;
  }
  setTitle(title: string): FakeHtmlOutput {
    this.title = String(title);
    return this;
  }
  getWidth(): number {
    return this.width;
  }
  setWidth(width: number): FakeHtmlOutput {
    this.width = width;
    return this;
  }
  getHeight(): number {
    return this.height;
  }
  setHeight(height: number): FakeHtmlOutput {
    this.height = height;
    return this;
  }
  setSandboxMode(mode: string): FakeHtmlOutput {
    this.sandboxMode = String(mode);
    return this;
  }
  getSandboxMode(): string {
    return this.sandboxMode;
  }
  setXFrameOptionsMode(mode: string): FakeHtmlOutput {
    this.xFrameOptionsMode = String(mode);
    return this;
  }
  getXFrameOptionsMode(): string {
    return this.xFrameOptionsMode;
  }
  addMetaTag(name: string, content: string): FakeHtmlOutput {
    this.metaTags.push({ name: String(name), content: String(content) });
    return this;
  }
  setFaviconUrl(_iconUrl: string): FakeHtmlOutput {
    return this;
  }
  getBlob(): FakeBlob {
    return new FakeBlob(this._env, Buffer.from(this.content, 'utf8'), 'text/html', null);
  }
}

export class FakeHtmlService extends GasObject {
  readonly SandboxMode = SandboxMode;
  readonly XFrameOptionsMode = XFrameOptionsMode;
  constructor(
    env: Env,
    private readonly files: Record<string, string> | ((name: string) => string) | undefined,
  ) {
    super(env, 'HtmlService');
  }
  createHtmlOutput(html?: string): FakeHtmlOutput {
    return new FakeHtmlOutput(this._env, html === undefined ? '' : String(html));
  }
  createHtmlOutputFromFile(filename: string): FakeHtmlOutput {
    // Apps Script finds `Sidebar` for `Sidebar.html` and also accepts the name with the extension.
    const name = String(filename).replace(/\.html$/, '');
    let content: string | undefined;
    if (typeof this.files === 'function') content = this.files(name);
    else if (this.files) content = this.files[name] ?? this.files[`${name}.html`];
    if (content === undefined) throw this._env.error(`No HTML file named ${name} was found.`);
    return new FakeHtmlOutput(this._env, content);
  }
}

// --- UrlFetchApp ----------------------------------------------------------------------------------------------

export interface FetchParams {
  method?: string;
  headers?: Record<string, unknown>;
  payload?: unknown;
  contentType?: string;
  muteHttpExceptions?: boolean;
  followRedirects?: boolean;
  validateHttpsCertificates?: boolean;
  escaping?: boolean;
}

/** How long Apps Script waits before it gives up on a request. */
export const FETCH_TIMEOUT_MS = 60_000;

export class FakeHttpResponse extends GasObject {
  constructor(
    env: Env,
    private readonly status: number,
    private readonly body: string,
    private readonly headers: Record<string, string>,
  ) {
    super(env, 'HTTPResponse');
  }
  getResponseCode(): number {
    return this.status;
  }
  getContentText(_charset?: string): string {
    return this.body;
  }
  getContent(): number[] {
    return this.getBlob().getBytes();
  }
  getHeaders(): Record<string, string> {
    return { ...this.headers };
  }
  getAllHeaders(): Record<string, string> {
    return { ...this.headers };
  }
  getBlob(): FakeBlob {
    const type = Object.entries(this.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? null;
    return new FakeBlob(this._env, Buffer.from(this.body, 'utf8'), type, null);
  }
  getAs(contentType: string): FakeBlob {
    return this.getBlob().setContentType(contentType);
  }
}

function formEncode(payload: Record<string, unknown>): string {
  return Object.entries(payload)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(isDate(v) ? v.toString() : String(v))}`)
    .join('&');
}

export class FakeUrlFetchApp extends GasObject {
  constructor(
    env: Env,
    private readonly handler: FakeFetchHandler | undefined,
  ) {
    super(env, 'UrlFetchApp');
  }

  _request(url: string, params: FetchParams = {}): FakeFetchRequest {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(params.headers ?? {})) headers[k] = String(v);
    let payload: string | undefined;
    const raw = unwrap(params.payload);
    if (raw !== undefined && raw !== null) {
      if (typeof raw === 'string') payload = raw;
      else if (Array.isArray(raw)) payload = fromBytes(raw as number[]).toString('utf8');
      else if (raw instanceof FakeBlob) payload = raw.getDataAsString();
      else if (typeof raw === 'object') payload = formEncode(raw as Record<string, unknown>);
      else payload = String(raw);
      const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
      if (!hasType) headers['Content-Type'] = params.contentType ?? 'application/x-www-form-urlencoded';
    } else if (params.contentType) {
      headers['Content-Type'] = params.contentType;
    }
    return { url: String(url), method: (params.method ?? 'get').toUpperCase(), headers, payload };
  }

  _send(request: FakeFetchRequest, muteHttpExceptions: boolean): FakeHttpResponse {
    this._env.counters.urlFetches += 1;
    if (!this.handler) {
      throw new Error(
        `UrlFetchApp fake: no fetch handler was given (GasFakeOptions.fetch) for ${request.url}`,
      );
    }
    const answer: FakeFetchResponse = this.handler(request);
    if (answer === 'timeout') {
      this._env.clock.advance(FETCH_TIMEOUT_MS);
      throw this._env.error(`Timeout: ${request.url}`);
    }
    const response = new FakeHttpResponse(this._env, answer.status, answer.body, answer.headers ?? {});
    if (answer.status >= 400 && !muteHttpExceptions) {
      const origin = /^[a-z]+:\/\/[^/?#]+/i.exec(request.url)?.[0] ?? request.url;
      // Apps Script quotes only the start of the body; how much is not documented.
      throw this._env.error(
        `Request failed for ${origin} returned code ${answer.status}. Truncated server response: ${answer.body.slice(0, 200)} (use muteHttpExceptions option to examine full response)`,
      );
    }
    return response;
  }

  fetch(url: string, params?: FetchParams): FakeHttpResponse {
    return this._send(this._request(url, params), params?.muteHttpExceptions === true);
  }
  fetchAll(requests: (string | (FetchParams & { url: string }))[]): FakeHttpResponse[] {
    const prepared = requests.map((r) =>
      typeof r === 'string'
        ? { request: this._request(r), mute: false }
        : { request: this._request(r.url, r), mute: r.muteHttpExceptions === true },
    );
    return prepared.map(({ request, mute }) => this._send(request, mute));
  }
  getRequest(url: string, params?: FetchParams): Record<string, unknown> {
    const r = this._request(url, params);
    return { url: r.url, method: r.method.toLowerCase(), headers: r.headers, payload: r.payload ?? '' };
  }
}
