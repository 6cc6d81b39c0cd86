// Capabilities the core is handed rather than reaching for: the HMAC (Apps Script's Utilities in production,
// node:crypto in tests). The books' ports are in apply/ports.ts, the ingest's in ingest/ports.ts.

/** HMAC-SHA256 of a UTF-8 message under a UTF-8 key, as lower-case hex. */
export type HmacSha256Hex = (key: string, message: string) => string;
