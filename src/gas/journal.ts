// The apply step's write-ahead journal in a script property: small (row numbers and a few findings), written before a
// batch's first sheet write and deleted after its last, by the holder of the script lock only.

import type { Journal, JournalEntry, JournalFinding } from '../core/apply/ports';
import { BOOKKEEPING } from '../core/settings';

export const propertyJournal: Journal = {
  read() {
    const raw = PropertiesService.getScriptProperties().getProperty(BOOKKEEPING.journal);
    return raw ? parseJournal(raw) : null;
  },
  begin(entry) {
    PropertiesService.getScriptProperties().setProperty(BOOKKEEPING.journal, serialiseJournal(entry));
  },
  end() {
    PropertiesService.getScriptProperties().deleteProperty(BOOKKEEPING.journal);
  },
};

/** Rows as runs (`[first, last]`), so a page of a hundred consecutive rows takes a few bytes. */
export function serialiseJournal(entry: JournalEntry): string {
  const runs: [number, number][] = [];
  for (const row of [...new Set(entry.rows)].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && row === last[1] + 1) last[1] = row;
    else runs.push([row, row]);
  }
  return JSON.stringify({ v: 1, runs, findings: entry.findings, at: entry.at });
}

/** A damaged journal is treated as empty rows with no findings: recovery then has nothing to redo but clears it. */
export function parseJournal(raw: string): JournalEntry {
  try {
    const value = JSON.parse(raw) as { runs?: unknown; findings?: unknown; at?: unknown };
    const rows: number[] = [];
    for (const run of Array.isArray(value.runs) ? value.runs : []) {
      if (!Array.isArray(run) || !Number.isSafeInteger(run[0]) || !Number.isSafeInteger(run[1])) continue;
      for (let row = run[0] as number; row <= (run[1] as number) && rows.length < 10_000; row++)
        rows.push(row);
    }
    const findings = Array.isArray(value.findings) ? (value.findings as JournalFinding[]) : [];
    return { rows, findings, at: typeof value.at === 'number' ? value.at : 0 };
  } catch {
    return { rows: [], findings: [], at: 0 };
  }
}
