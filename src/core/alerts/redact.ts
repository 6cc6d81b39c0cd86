// The last guard before any text leaves the add-on (a log line, a report cell, a chat message, a mail body): every
// secret it might carry is cut out. Apps Script's own error texts can quote a whole request URL (a DNS or timeout
// error on `https://api.telegram.org/bot<token>/…` names the token), and MailApp's "Invalid email: …" names the
// address, so error texts are never passed on unredacted.

export const REDACTED = '[redacted]';

/** Secrets shorter than this are not searched for: a 3-character "secret" would shred ordinary words. */
const MIN_SECRET_LENGTH = 4;

export function redact(text: string, secrets: readonly string[]): string {
  const wanted = [...new Set(secrets.map((s) => s.trim()).filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  let out = text;
  for (const secret of wanted) {
    // Case-insensitive for e-mail addresses and URLs, which Sheets and Apps Script may re-case.
    out = out.replace(new RegExp(escapeRegExp(secret), 'gi'), REDACTED);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
