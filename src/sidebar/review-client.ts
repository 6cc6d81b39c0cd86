// The sidebar's view of the server, derived from the one definition in src/shared/review-api.ts: each call is a
// function returning a promise of its typed answer. `google.script.run`'s callbacks stay in this file.

import { REVIEW_CALLS, type ReplyOf, type RequestOf, type ReviewCall } from '../shared/review-api';

/** The part of Apps Script's client this file uses: each `with…` returns a new runner. */
export interface ScriptRunner {
  withSuccessHandler(handler: (value: unknown) => void): ScriptRunner;
  withFailureHandler(handler: (error: Error) => void): ScriptRunner;
  [name: string]: unknown;
}

declare global {
  interface Window {
    google?: { script?: { run?: ScriptRunner } };
  }
}

export type ReviewClient = { [K in ReviewCall]: (request: RequestOf<K>) => Promise<ReplyOf<K>> };

export function reviewClient(run: ScriptRunner | undefined = window.google?.script?.run): ReviewClient {
  const client = {} as Record<ReviewCall, (request: unknown) => Promise<unknown>>;
  for (const name of REVIEW_CALLS) {
    client[name] = (request) =>
      new Promise((resolve, reject) => {
        if (!run) {
          reject(new Error('This page is not inside Google Sheets (google.script.run is missing).'));
          return;
        }
        const runner = run.withSuccessHandler(resolve).withFailureHandler(reject);
        (runner[name] as (request: unknown) => void)(request);
      });
  }
  return client as unknown as ReviewClient;
}
