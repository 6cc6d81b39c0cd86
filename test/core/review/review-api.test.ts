// The sidebar's API is one definition; what crosses google.script.run must be JSON.

import { describe, expect, it } from 'vitest';
import { reviewServer } from '../../../src/gas/review-calls';
import { type JsonValue, REVIEW_CALLS } from '../../../src/shared/review-api';

// Checked by `npm run typecheck`, not by vitest: were a Date ever accepted, the expected error would be missing and
// the type check would fail.
type JsonSafe<T extends JsonValue> = T;
// @ts-expect-error A Date cannot cross google.script.run: the type check refuses it.
type _DateIsRefused = JsonSafe<{ openedAt: Date }>;

describe('the review API', () => {
  it('has one server handler per call, and no other', () => {
    expect(Object.keys(reviewServer).sort()).toEqual([...REVIEW_CALLS].sort());
  });
});
