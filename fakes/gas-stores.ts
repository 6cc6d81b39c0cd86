// PropertiesService, CacheService and LockService with Apps Script's limits and messages.

import { type Env, GasObject, utf8Length } from './gas-core';

// --- Properties -----------------------------------------------------------------------------------------------

/** Apps Script's quotas page: 9 KB per value, 500 KB per property store. */
export const PROPERTY_VALUE_LIMIT = 9 * 1024;
export const PROPERTY_STORE_LIMIT = 500 * 1024;
const QUOTA_MESSAGE =
  'You have exceeded the property storage quota. Please remove some properties and try again.';

export class FakeProperties extends GasObject {
  constructor(
    env: Env,
    readonly data: Map<string, string>,
  ) {
    super(env, 'Properties');
  }

  _checkedSet(entries: [string, string][], deleteAllOthers: boolean): void {
    for (const [, value] of entries) {
      if (utf8Length(value) > PROPERTY_VALUE_LIMIT) throw this._env.error('Argument too large: value');
    }
    const next = new Map(deleteAllOthers ? [] : this.data);
    for (const [k, v] of entries) next.set(k, v);
    let total = 0;
    for (const [k, v] of next) total += utf8Length(k) + utf8Length(v);
    if (total > PROPERTY_STORE_LIMIT) throw this._env.error(QUOTA_MESSAGE);
    this.data.clear();
    for (const [k, v] of next) this.data.set(k, v);
  }

  getProperty(key: string): string | null {
    return this.data.get(String(key)) ?? null;
  }
  setProperty(key: string, value: string): FakeProperties {
    this._checkedSet([[String(key), String(value)]], false);
    return this;
  }
  getProperties(): Record<string, string> {
    return Object.fromEntries(this.data);
  }
  setProperties(properties: Record<string, unknown>, deleteAllOthers = false): FakeProperties {
    this._checkedSet(
      Object.entries(properties).map(([k, v]) => [k, String(v)]),
      deleteAllOthers,
    );
    return this;
  }
  deleteProperty(key: string): FakeProperties {
    this.data.delete(String(key));
    return this;
  }
  deleteAllProperties(): FakeProperties {
    this.data.clear();
    return this;
  }
  getKeys(): string[] {
    return [...this.data.keys()];
  }
}

export interface PropertyStores {
  script: Map<string, string>;
  user: Map<string, string>;
  document: Map<string, string>;
}

export class FakePropertiesService extends GasObject {
  constructor(
    env: Env,
    private readonly stores: PropertyStores,
  ) {
    super(env, 'PropertiesService');
  }
  getScriptProperties(): FakeProperties {
    return new FakeProperties(this._env, this.stores.script);
  }
  getUserProperties(): FakeProperties {
    return new FakeProperties(this._env, this.stores.user);
  }
  getDocumentProperties(): FakeProperties {
    return new FakeProperties(this._env, this.stores.document);
  }
}

// --- Cache ----------------------------------------------------------------------------------------------------

export const CACHE_KEY_LIMIT = 250;
export const CACHE_VALUE_LIMIT = 100 * 1024;
export const CACHE_MAX_SECONDS = 21600;
const CACHE_DEFAULT_SECONDS = 600;
const CACHE_ITEM_CAP = 1000;

export interface CacheEntry {
  value: string;
  expiresAt: number;
  storedAt: number;
}

export class FakeCache extends GasObject {
  constructor(
    env: Env,
    readonly entries: Map<string, CacheEntry>,
  ) {
    super(env, 'Cache');
  }

  _live(key: string): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this._env.clock.nowMs()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  _check(key: string, value: string): void {
    if (key.length > CACHE_KEY_LIMIT) throw this._env.error('Argument too large: key');
    if (utf8Length(value) > CACHE_VALUE_LIMIT) throw this._env.error('Argument too large: value');
  }

  _store(key: string, value: string, seconds: number | undefined): void {
    // Apps Script documents 21600 s as the longest life; a longer request is cut to it rather than refused.
    const ttl = Math.min(Math.max(1, seconds ?? CACHE_DEFAULT_SECONDS), CACHE_MAX_SECONDS);
    const now = this._env.clock.nowMs();
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + ttl * 1000, storedAt: now });
    if (this.entries.size > CACHE_ITEM_CAP) {
      // The cache holds about 1000 items and evicts the oldest tenth at once when over.
      const oldest = [...this.entries]
        .sort((a, b) => a[1].storedAt - b[1].storedAt)
        .slice(0, CACHE_ITEM_CAP / 10);
      for (const [k] of oldest) this.entries.delete(k);
    }
  }

  get(key: string): string | null {
    return this._live(String(key))?.value ?? null;
  }
  getAll(keys: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of keys) {
      const entry = this._live(String(key));
      if (entry) out[String(key)] = entry.value;
    }
    return out;
  }
  put(key: string, value: string, expirationInSeconds?: number): void {
    const k = String(key);
    const v = String(value);
    this._check(k, v);
    this._store(k, v, expirationInSeconds);
  }
  putAll(values: Record<string, unknown>, expirationInSeconds?: number): void {
    const entries = Object.entries(values).map(([k, v]) => [k, String(v)] as const);
    for (const [k, v] of entries) this._check(k, v);
    for (const [k, v] of entries) this._store(k, v, expirationInSeconds);
  }
  remove(key: string): void {
    this.entries.delete(String(key));
  }
  removeAll(keys: string[]): void {
    for (const key of keys) this.entries.delete(String(key));
  }
}

export interface CacheStores {
  script: Map<string, CacheEntry>;
  user: Map<string, CacheEntry>;
  document: Map<string, CacheEntry>;
}

export class FakeCacheService extends GasObject {
  constructor(
    env: Env,
    private readonly stores: CacheStores,
  ) {
    super(env, 'CacheService');
  }
  getScriptCache(): FakeCache {
    return new FakeCache(this._env, this.stores.script);
  }
  getUserCache(): FakeCache {
    return new FakeCache(this._env, this.stores.user);
  }
  getDocumentCache(): FakeCache {
    return new FakeCache(this._env, this.stores.document);
  }
}

// --- Lock -----------------------------------------------------------------------------------------------------

export const LOCK_TIMEOUT_MESSAGE = 'Lock timeout: another process was holding the lock for too long.';

/** One lock (script, document or user). `otherUntil`: another execution holds it until this clock time (ms);
 * Infinity = until told otherwise. `ours`: this execution holds it. */
export interface LockState {
  otherUntil: number;
  ours: boolean;
}

export class FakeLock extends GasObject {
  private mine = false;

  constructor(
    env: Env,
    private readonly state: LockState,
  ) {
    super(env, 'Lock');
  }

  tryLock(timeoutInMillis: number): boolean {
    const clock = this._env.clock;
    if (this.state.ours) {
      // Locks are per execution: a second lock object of the same kind in the same execution gets it too.
      this.mine = true;
      return true;
    }
    const now = clock.nowMs();
    const wait = this.state.otherUntil - now;
    if (wait > 0) {
      const timeout = Math.max(0, Number(timeoutInMillis) || 0);
      if (wait > timeout || !clock.fake) {
        clock.advance(timeout);
        return false;
      }
      clock.advance(wait);
    }
    this.state.otherUntil = 0;
    this.state.ours = true;
    this.mine = true;
    return true;
  }
  waitLock(timeoutInMillis: number): void {
    if (!this.tryLock(timeoutInMillis)) throw this._env.error(LOCK_TIMEOUT_MESSAGE);
  }
  hasLock(): boolean {
    return this.mine && this.state.ours;
  }
  releaseLock(): void {
    if (this.mine) this.state.ours = false;
    this.mine = false;
  }
}

export interface LockStates {
  script: LockState;
  document: LockState;
  user: LockState;
}

export class FakeLockService extends GasObject {
  constructor(
    env: Env,
    private readonly states: LockStates,
  ) {
    super(env, 'LockService');
  }
  getScriptLock(): FakeLock {
    return new FakeLock(this._env, this.states.script);
  }
  getDocumentLock(): FakeLock {
    return new FakeLock(this._env, this.states.document);
  }
  getUserLock(): FakeLock {
    return new FakeLock(this._env, this.states.user);
  }
}
