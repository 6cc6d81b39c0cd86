// A bulk action is cut into batches whose journal entry fits in one script property.

import { describe, expect, it } from 'vitest';
import type { Review } from '../../../src/core/apply/reviews';
import { reviewBatches } from '../../../src/core/review/bulk-batches';
import { serialiseJournal } from '../../../src/gas/journal';

describe('reviewBatches', () => {
  it('keeps every review, in order, in batches whose journal stays under 8,500 bytes even with long notes in any script', () => {
    const note = 'Ödeme iki kez alındı; 二重払い. '.repeat(12).slice(0, 500);
    const reviews: Review[] = Array.from({ length: 120 }, (_, i) => ({
      exceptionId: `EX-20260114-${String(i).padStart(6, '0')}`,
      actor: 'bursar@school.example',
      version: 'abc123',
      action: { kind: 'dismiss', note },
    }));
    const cells = { Status: 'open', Resolution: '', 'Resolved By': '', Note: note };
    const records = new Map(reviews.map((r) => [r.exceptionId, { cells }]));
    const batches = reviewBatches(reviews, records);
    expect(batches.flat()).toEqual(reviews);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      const journal = serialiseJournal({
        rows: [],
        inline: [],
        findings: [],
        notes: [],
        reviews: batch.map((r) => ({ ...r, before: { ...cells, 'Resolved At': '' } })),
        at: Date.now(),
      });
      expect(Buffer.byteLength(journal, 'utf8')).toBeLessThanOrEqual(8_500);
    }
  });
});
