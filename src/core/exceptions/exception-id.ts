// Exception ids a person can read out on the phone: the day the cause arose in the spreadsheet's time zone, and a
// short hash of the cause in an alphabet without look-alikes (no 0/O, 1/I/L). The id depends only on the cause, so
// an apply step that is retried after a failure names the same exception again.

import type { ExceptionReason } from '../contract';
import { dayInZone } from '../time-zone';

/** 31 symbols: digits and capitals minus 0, 1, I, L and O. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const HASH_LENGTH = 6;

export function exceptionId(
  reason: ExceptionReason,
  invoiceKey: string,
  cause: string,
  arose: Date,
  timeZone: string,
): string {
  const day = dayInZone(arose, timeZone).replace(/-/g, '');
  let hash = fnv1a(`${reason}|${invoiceKey}|${cause}`);
  let code = '';
  for (let i = 0; i < HASH_LENGTH; i++) {
    code = ALPHABET.charAt(hash % ALPHABET.length) + code;
    hash = Math.floor(hash / ALPHABET.length);
  }
  return `EX-${day}-${code}`;
}

/** The hidden `Open Key` column: reason and invoice (or payment) key, one open exception per key at a time. */
export function openKey(reason: ExceptionReason, invoiceKey: string): string {
  return `${reason}:${invoiceKey}`;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
