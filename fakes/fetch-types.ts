// The UrlFetchApp fake hands every request to a handler of this shape (e.g. the Stripe API double).

export interface FakeFetchRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  payload: string | undefined;
}

export type FakeFetchResponse =
  | { status: number; body: string; headers?: Record<string, string> }
  | 'timeout';

export type FakeFetchHandler = (request: FakeFetchRequest) => FakeFetchResponse;
