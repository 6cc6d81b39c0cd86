// The server side of src/shared/review-api.ts: one handler per call of the sidebar, held to the one definition.
// A call missing here, one too many, or a handler answering another shape fails the type check.

import type { ReplyOf, ReviewCall } from '../shared/review-api';
import { reviewAct, reviewBulk } from './review-actions';
import { reviewDetail } from './review-detail';
import { reviewQueue } from './review-list';

/** Requests arrive as whatever the page sent: each handler checks its own before reading anything. */
export type ReviewServer = { [K in ReviewCall]: (request: unknown) => ReplyOf<K> };

export const reviewServer = { reviewQueue, reviewDetail, reviewAct, reviewBulk } satisfies ReviewServer;
