// How long each Apps Script service call takes in virtual time. A call's effect on the world happens when it
// completes, so two executions interleave at the grain of their service calls, as they do in Apps Script.

/** The classes whose calls are Spreadsheet-service round trips (the fakes count the same set). */
export const SPREADSHEET_KINDS: ReadonlySet<string> = new Set([
  'SpreadsheetApp',
  'Spreadsheet',
  'Sheet',
  'Range',
  'TextFinder',
  'Protection',
  'Ui',
  'Menu',
]);

export interface Latencies {
  /** Every Spreadsheet-service call (DESIGN.md: "tens of milliseconds"). */
  spreadsheet: number;
  propertiesGet: number;
  propertiesSet: number;
  cacheGet: number;
  cachePut: number;
  /** tryLock/waitLock/hasLock/releaseLock, before any wait for the lock itself. */
  lock: number;
  urlFetch: number;
  /** Utilities (HMAC, formatDate, …); `Utilities.sleep` takes its own argument on top. */
  utilities: number;
}

/** Small defaults: the Spreadsheet service dominates, as DESIGN.md's performance model says. */
export const DEFAULT_LATENCIES: Latencies = {
  spreadsheet: 50,
  propertiesGet: 2,
  propertiesSet: 2,
  cacheGet: 2,
  cachePut: 2,
  lock: 2,
  urlFetch: 5,
  utilities: 0,
};

/**
 * The sensitivity setting: Properties and Cache at latencies measured in Apps Script (means of 100 runs: script
 * Properties get 30 ms, set 62 ms; script Cache get 3 ms, put 93 ms — ziritione.org/post/apps_script_performance).
 */
export const MEASURED_STORE_LATENCIES: Partial<Latencies> = {
  propertiesGet: 30,
  propertiesSet: 60,
  cacheGet: 3,
  cachePut: 90,
};

const PROPERTY_READS = new Set(['getProperty', 'getProperties', 'getKeys']);
const CACHE_READS = new Set(['get', 'getAll']);

/** Milliseconds of virtual time for `kind.method`. Getting a service's store or lock object is local. */
export function latencyOf(latencies: Latencies, kind: string, method: string): number {
  if (SPREADSHEET_KINDS.has(kind)) return latencies.spreadsheet;
  switch (kind) {
    case 'Properties':
      return PROPERTY_READS.has(method) ? latencies.propertiesGet : latencies.propertiesSet;
    case 'Cache':
      return CACHE_READS.has(method) ? latencies.cacheGet : latencies.cachePut;
    case 'Lock':
      return latencies.lock;
    case 'UrlFetchApp':
      return method === 'getRequest' ? 0 : latencies.urlFetch;
    case 'Utilities':
      return latencies.utilities;
    default:
      return 0;
  }
}
