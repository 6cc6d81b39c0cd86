// Utilities: Java-flavoured bytes (signed, -128..127), digests, HMAC, base64, blobs and formatDate.

import { createHash, createHmac, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type Env, GasObject, gasEnum, isDate, signatureError } from './gas-core';
import { formatJavaDate } from './gas-dates';

export const Charset = gasEnum('US_ASCII', 'UTF_8');
export const DigestAlgorithm = gasEnum('MD2', 'MD5', 'SHA_1', 'SHA_256', 'SHA_384', 'SHA_512');
export const MacAlgorithm = gasEnum('HMAC_MD5', 'HMAC_SHA_1', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512');

const DIGESTS: Record<string, string> = {
  MD2: 'md2',
  MD5: 'md5',
  SHA_1: 'sha1',
  SHA_256: 'sha256',
  SHA_384: 'sha384',
  SHA_512: 'sha512',
};
const MACS: Record<string, string> = {
  HMAC_MD5: 'md5',
  HMAC_SHA_1: 'sha1',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};

/** Java bytes are signed: Apps Script hands out -128..127. */
export function toSignedBytes(buffer: Uint8Array): number[] {
  return Array.from(buffer, (b) => (b > 127 ? b - 256 : b));
}

export function fromBytes(bytes: readonly number[]): Buffer {
  return Buffer.from(bytes.map((b) => b & 0xff));
}

function isByteArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((b) => typeof b === 'number');
}

/** Text to bytes in a Java charset: US-ASCII turns anything beyond 0x7f into `?`, as Java's encoder does. */
export function encodeText(text: string, charset?: string): Buffer {
  if (charset === 'US_ASCII') {
    return Buffer.from(Array.from(text, (ch) => (ch.charCodeAt(0) > 0x7f ? 0x3f : ch.charCodeAt(0))));
  }
  return Buffer.from(text, 'utf8');
}

function decodeText(bytes: Buffer, charset?: string): string {
  if (charset === 'US_ASCII')
    return Array.from(bytes, (b) => (b > 0x7f ? '\ufffd' : String.fromCharCode(b))).join('');
  return bytes.toString('utf8');
}

export class FakeBlob extends GasObject {
  constructor(
    env: Env,
    private bytes: Buffer,
    private contentType: string | null,
    private name: string | null,
  ) {
    super(env, 'Blob');
  }
  getBytes(): number[] {
    return toSignedBytes(this.bytes);
  }
  getDataAsString(charset?: string): string {
    return decodeText(this.bytes, charset);
  }
  setDataFromString(text: string, charset?: string): FakeBlob {
    this.bytes = encodeText(String(text), charset);
    return this;
  }
  setBytes(data: number[]): FakeBlob {
    this.bytes = fromBytes(data);
    return this;
  }
  getContentType(): string | null {
    return this.contentType;
  }
  setContentType(contentType: string | null): FakeBlob {
    this.contentType = contentType;
    return this;
  }
  getName(): string | null {
    return this.name;
  }
  setName(name: string): FakeBlob {
    this.name = name;
    return this;
  }
  isGoogleType(): boolean {
    return false;
  }
  copyBlob(): FakeBlob {
    return new FakeBlob(this._env, Buffer.from(this.bytes), this.contentType, this.name);
  }
  getBlob(): FakeBlob {
    return this;
  }
}

export class FakeUtilities extends GasObject {
  readonly Charset = Charset;
  readonly DigestAlgorithm = DigestAlgorithm;
  readonly MacAlgorithm = MacAlgorithm;

  constructor(env: Env) {
    super(env, 'Utilities');
  }

  _hmac(method: string, algorithm: string, args: unknown[]): number[] {
    const [value, key, charset] = args;
    let data: Buffer;
    let secret: Buffer;
    // Apps Script overloads take (String, String[, Charset]) or (Byte[], Byte[]): mixing them does not match.
    if (typeof value === 'string' && typeof key === 'string') {
      data = encodeText(value, charset as string | undefined);
      secret = encodeText(key, charset as string | undefined);
    } else if (isByteArray(value) && isByteArray(key) && args.length === 2) {
      data = fromBytes(value);
      secret = fromBytes(key);
    } else {
      throw signatureError(this._env, `Utilities.${method}`, args);
    }
    return toSignedBytes(createHmac(algorithm, secret).update(data).digest());
  }

  computeHmacSha256Signature(...args: unknown[]): number[] {
    return this._hmac('computeHmacSha256Signature', 'sha256', args);
  }
  computeHmacSha1Signature(...args: unknown[]): number[] {
    return this._hmac('computeHmacSha1Signature', 'sha1', args);
  }
  computeHmacSignature(algorithm: string, ...args: unknown[]): number[] {
    const name = MACS[String(algorithm)];
    if (!name) throw signatureError(this._env, 'Utilities.computeHmacSignature', [algorithm, ...args]);
    return this._hmac('computeHmacSignature', name, args);
  }
  computeDigest(algorithm: string, value: string | number[], charset?: string): number[] {
    const name = DIGESTS[String(algorithm)];
    if (!name) throw signatureError(this._env, 'Utilities.computeDigest', [algorithm, value]);
    const data = typeof value === 'string' ? encodeText(value, charset) : fromBytes(value);
    return toSignedBytes(createHash(name).update(data).digest());
  }
  base64Encode(data: string | number[], charset?: string): string {
    return (typeof data === 'string' ? encodeText(data, charset) : fromBytes(data)).toString('base64');
  }
  base64EncodeWebSafe(data: string | number[], charset?: string): string {
    // Web-safe keeps Java's `=` padding; only the alphabet changes.
    return this.base64Encode(data, charset).replace(/\+/g, '-').replace(/\//g, '_');
  }
  base64Decode(encoded: string): number[] {
    const text = String(encoded);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text.replace(/\s/g, ''))) {
      throw this._env.error('Could not decode string.');
    }
    return toSignedBytes(Buffer.from(text, 'base64'));
  }
  base64DecodeWebSafe(encoded: string): number[] {
    return this.base64Decode(String(encoded).replace(/-/g, '+').replace(/_/g, '/'));
  }
  newBlob(data: string | number[], contentType?: string, name?: string): FakeBlob {
    const bytes = typeof data === 'string' ? encodeText(data) : fromBytes(data ?? []);
    return new FakeBlob(this._env, bytes, contentType ?? null, name ?? null);
  }
  /** A gzip-compressed copy of the blob (Apps Script names it `<name>.gz`, type application/x-gzip). */
  gzip(blob: FakeBlob, name?: string): FakeBlob {
    if (!(blob instanceof FakeBlob)) throw signatureError(this._env, 'Utilities.gzip', [blob]);
    const bytes = gzipSync(fromBytes(blob.getBytes()));
    return new FakeBlob(
      this._env,
      bytes,
      'application/x-gzip',
      name ?? (blob.getName() ? `${blob.getName()}.gz` : null),
    );
  }
  ungzip(blob: FakeBlob): FakeBlob {
    if (!(blob instanceof FakeBlob)) throw signatureError(this._env, 'Utilities.ungzip', [blob]);
    let bytes: Buffer;
    try {
      bytes = gunzipSync(fromBytes(blob.getBytes()));
    } catch {
      throw this._env.error('Invalid argument: blob is not gzip data.');
    }
    return new FakeBlob(this._env, bytes, null, null);
  }
  formatDate(date: Date, timeZone: string, format: string): string {
    if (!isDate(date)) throw signatureError(this._env, 'Utilities.formatDate', [date, timeZone, format]);
    try {
      return formatJavaDate(date, String(timeZone), String(format));
    } catch (e) {
      throw this._env.error(`Invalid argument: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  formatString(template: string, ...args: unknown[]): string {
    let i = 0;
    return String(template).replace(
      /%(\.\d+)?([sdf%])/g,
      (_m, precision: string | undefined, kind: string) => {
        if (kind === '%') return '%';
        const arg = args[i++];
        if (kind === 'd') return String(Math.trunc(Number(arg)));
        if (kind === 'f') return Number(arg).toFixed(precision ? Number(precision.slice(1)) : 6);
        return String(arg);
      },
    );
  }
  getUuid(): string {
    return randomUUID();
  }
  sleep(milliseconds: number): void {
    // A fake clock moves on instead of the test waiting; on a real clock the fake does not block at all.
    this._env.clock.advance(Number(milliseconds) || 0);
  }
}
