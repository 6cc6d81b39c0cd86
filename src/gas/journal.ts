// The apply step's write-ahead journal in a script property, written before a batch's first change and deleted after
// its last, by the holder of the script lock only. It names the batch's rows (with the result decided for each) and
// carries a lone delivery whole, compressed: a property holds 9 KB, an invoice event's JSON is often 5–10 KB.

import type { Journal, JournalEntry } from '../core/apply/ports';
import { BOOKKEEPING } from '../core/settings';
import { utf8Bytes } from '../core/utf8';

/** Below the 9 KB a property value may hold, with room for the key. */
const JOURNAL_BYTES = 8_500;

let lastEntry: JournalEntry | null = null;
let lastText = '';

/** `fits` then `begin` with the same entry serialise (and compress) it once. */
function serialised(entry: JournalEntry): string {
  if (entry !== lastEntry) {
    lastText = serialiseJournal(entry);
    lastEntry = entry;
  }
  return lastText;
}

export const propertyJournal: Journal = {
  read() {
    const raw = PropertiesService.getScriptProperties().getProperty(BOOKKEEPING.journal);
    return raw ? parseJournal(raw) : null;
  },
  fits(entry) {
    return utf8Bytes(serialised(entry)) <= JOURNAL_BYTES;
  },
  begin(entry) {
    PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.journal, serialised(entry));
  },
  end() {
    PropertiesService.getScriptProperties().deleteProperty(BOOKKEEPING.journal);
  },
};

/** Rows as runs (`[first, last, result]`), so a page of a hundred rows takes a few bytes; inline entries gzipped. */
export function serialiseJournal(entry: JournalEntry): string {
  const runs: [number, number, string][] = [];
  for (const [row, result] of [...entry.rows].sort((a, b) => a[0] - b[0])) {
    const last = runs[runs.length - 1];
    if (last && row === last[1] + 1 && result === last[2]) last[1] = row;
    else runs.push([row, row, result]);
  }
  const inline =
    entry.inline.length > 0
      ? Utilities.base64Encode(Utilities.gzip(Utilities.newBlob(JSON.stringify(entry.inline))).getBytes())
      : '';
  return JSON.stringify({
    v: 2,
    runs,
    inline,
    findings: entry.findings,
    notes: entry.notes,
    reviews: entry.reviews,
    at: entry.at,
  });
}

/** A damaged journal reads as empty: recovery then has nothing to redo, and clears it. */
export function parseJournal(raw: string): JournalEntry {
  const empty: JournalEntry = { rows: [], inline: [], findings: [], notes: [], reviews: [], at: 0 };
  try {
    const value = JSON.parse(raw) as {
      runs?: unknown;
      inline?: unknown;
      findings?: unknown;
      notes?: unknown;
      reviews?: unknown;
      at?: unknown;
    };
    const rows: JournalEntry['rows'] = [];
    for (const run of Array.isArray(value.runs) ? value.runs : []) {
      if (!Array.isArray(run) || !Number.isSafeInteger(run[0]) || !Number.isSafeInteger(run[1])) continue;
      for (let row = run[0] as number; row <= (run[1] as number) && rows.length < 10_000; row++) {
        rows.push([row, String(run[2]) as JournalEntry['rows'][number][1]]);
      }
    }
    let inline: JournalEntry['inline'] = [];
    if (typeof value.inline === 'string' && value.inline !== '') {
      const text = Utilities.ungzip(
        Utilities.newBlob(Utilities.base64Decode(value.inline), 'application/x-gzip'),
      ).getDataAsString();
      inline = (JSON.parse(text) as JournalEntry['inline']).map(({ row, entry }) => ({
        row,
        entry: { ...entry, receivedAt: new Date(entry.receivedAt as unknown as string) },
      }));
    }
    const findings = Array.isArray(value.findings) ? (value.findings as JournalEntry['findings']) : [];
    const notes = Array.isArray(value.notes) ? (value.notes as JournalEntry['notes']) : [];
    const reviews = Array.isArray(value.reviews) ? (value.reviews as JournalEntry['reviews']) : [];
    return { rows, inline, findings, notes, reviews, at: typeof value.at === 'number' ? value.at : 0 };
  } catch {
    return empty;
  }
}
