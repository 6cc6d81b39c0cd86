// The review sidebar's API, defined once: the name, request and reply of every server function the sidebar calls.
// The server's handlers are typed from it (src/gas/review-calls.ts) and so is the sidebar's promise client
// (src/sidebar/review-client.ts): a renamed call or a changed field breaks the build on both sides, not a user's
// browser. Each name is a top-level function of dist/Code.js (src/main.ts), the only door the sidebar has.
//
// Everything crossing `google.script.run` must be JSON-safe: Apps Script refuses a Date (or a function) among the
// arguments, and a reply holding a Date reaches the sidebar as null. So times travel as ISO strings and dates as
// `YYYY-MM-DD`, and `JsonSafe` below makes a Date anywhere in these types a compile error.

/** What JSON can hold; every request and reply must be assignable to it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Which exceptions the list shows. `open` includes snoozed ones whose date has come. */
export type StatusFilter = 'open' | 'snoozed' | 'resolved' | 'dismissed' | 'all';

export type QueueFilter = {
  /** An exception reason (`UNKNOWN_INVOICE`…), or null for all. */
  reason: string | null;
  status: StatusFilter;
  /** An owner's e-mail, `''` for exceptions nobody owns, or null for all. */
  owner: string | null;
  /** An upper-case currency code, or null for all. */
  currency: string | null;
};

/** Who is asking, as the server established it. */
export type Reviewer = {
  /** '' when Apps Script did not say. */
  email: string;
  canAct: boolean;
  /** Why not, in a sentence that says what to do; null when the reviewer can act. */
  why: string | null;
};

/** One exception as the list and the detail show it. */
export type QueueItem = {
  exceptionId: string;
  reason: string;
  /** The invoice (or payment) the exception is about. */
  invoiceKey: string;
  /** Major units; null when the exception has none. */
  amount: number | null;
  currency: string;
  status: string;
  /** Snoozed, and the date it was snoozed until has come: it waits again. */
  snoozeEnded: boolean;
  snoozedUntil: string | null;
  /** ISO time. */
  openedAt: string | null;
  ageDays: number | null;
  owner: string;
  resolution: string;
  note: string;
  /** The version a later action must name (another reviewer's change makes it stale). */
  version: string;
  events: number;
  /** Whether the exception's money can be matched to a ledger row (an unknown invoice or payment). */
  matchable: boolean;
};

export type ReasonTotal = {
  reason: string;
  count: number;
  /** The amounts per currency: amounts in different currencies are never added. */
  totals: readonly { currency: string; amount: number }[];
};

export type Choice = { value: string; label: string };

export type QueueRequest = { filter: QueueFilter; page: number; pageSize: number };

export type QueueView = {
  you: Reviewer;
  items: readonly QueueItem[];
  /** How many match the filter, over all pages. */
  total: number;
  page: number;
  pageSize: number;
  /** Per reason, over the exceptions the status, owner and currency filters leave (the reason filter aside). */
  byReason: readonly ReasonTotal[];
  choices: {
    reasons: readonly string[];
    owners: readonly string[];
    currencies: readonly string[];
    /** Resolutions a reviewer may choose (not `auto` and `matched`, which the add-on sets). */
    resolutions: readonly Choice[];
  };
  /** The filtered set as a whole, for a bulk action: it is refused if the set changed since. */
  selection: { count: number; version: string };
};

export type DetailRequest = { exceptionId: string };

/** One logged Stripe event the exception rests on. */
export type Evidence = {
  eventId: string;
  eventType: string;
  /** Major units. */
  amount: number | null;
  currency: string;
  customerId: string;
  customerName: string;
  customerEmail: string;
  /** Stripe's `created`, ISO. */
  at: string | null;
  livemode: boolean;
  /** The object in the Stripe Dashboard (test or live), or null when the event names none. */
  dashboardUrl: string | null;
  /** The `Stripe Events` row as logged. */
  log: {
    /** 0 when the row has moved to the log's archive spreadsheet. */
    row: number;
    receivedAt: string | null;
    source: string;
    verification: string;
    result: string;
    message: string;
    payload: string;
    /** The payload is cut to keep the reply small; the row holds all of it. */
    truncated: boolean;
  };
};

export type MatchReason = {
  kind: 'amount' | 'email' | 'name' | 'date' | 'currency' | 'learned' | 'settled' | 'other-customer';
  text: string;
  /** What it adds to the score (negative when it speaks against the row). */
  points: number;
};

/** A ledger row the exception's money may belong to. */
export type Candidate = {
  rowNumber: number;
  /** The row's `Stripe Invoice ID` ('' when blank: the match writes it). */
  invoiceId: string;
  /** Who the row is, from the ledger's own columns. */
  label: string;
  /** What else the row says (plan, due date), short. */
  detail: string;
  /** What the row still owes, major units; null when unknown. */
  owed: number | null;
  currency: string;
  /** 0–100. */
  score: number;
  reasons: readonly MatchReason[];
  /** Identifies the row as shown: a match or "not this row" is refused if the row changed since. */
  fingerprint: string;
};

export type DetailView = {
  you: Reviewer;
  item: QueueItem;
  evidence: readonly Evidence[];
  /** Best first; empty when the exception is not matchable. */
  candidates: readonly Candidate[];
  /** The ledger columns the ranking read people from (detected by header and content). */
  columns: { names: readonly string[]; emails: readonly string[]; dates: readonly string[] };
  /** How many rows a reviewer said are not this exception's. */
  notMatched: number;
  /** Why there are no candidates, when there are none. */
  matchHelp: string | null;
};

export type ReviewAction =
  | { kind: 'match'; rowNumber: number; fingerprint: string; note: string }
  | { kind: 'reject'; rowNumber: number; fingerprint: string }
  | { kind: 'resolve'; resolution: string; note: string }
  | { kind: 'dismiss'; note: string }
  /** Until the start of that day (`YYYY-MM-DD`) in the spreadsheet's time zone. */
  | { kind: 'snooze'; until: string; note: string }
  | { kind: 'reopen'; note: string }
  /** An e-mail, or '' for nobody. */
  | { kind: 'assign'; owner: string };

export type ActRequest = { exceptionId: string; version: string; action: ReviewAction };

export type ActView = {
  you: Reviewer;
  outcome: 'applied' | 'stale' | 'refused';
  message: string;
  /** The exception as it is now (null when it is gone). */
  item: QueueItem | null;
};

export type BulkAction =
  | { kind: 'resolve'; resolution: string; note: string }
  | { kind: 'dismiss'; note: string };

export type BulkRequest = {
  filter: QueueFilter;
  /** The selection of the list the reviewer looked at. */
  selection: { count: number; version: string };
  action: BulkAction;
};

export type BulkView = {
  you: Reviewer;
  outcome: 'applied' | 'stale';
  applied: number;
  refused: number;
  message: string;
};

/** Why a call did nothing: a person to identify, a person not allowed, input the server refuses, a busy lock. */
export type Refusal = {
  ok: false;
  refusal: 'unidentified' | 'not-allowed' | 'invalid' | 'busy';
  message: string;
};

export type Answer<T> = ({ ok: true } & T) | Refusal;

/** Every call of the sidebar: its request and its answer. */
export type ReviewApi = {
  reviewQueue: { request: QueueRequest; reply: Answer<QueueView> };
  reviewDetail: { request: DetailRequest; reply: Answer<DetailView> };
  reviewAct: { request: ActRequest; reply: Answer<ActView> };
  reviewBulk: { request: BulkRequest; reply: Answer<BulkView> };
};

export type ReviewCall = keyof ReviewApi;
export type RequestOf<K extends ReviewCall> = ReviewApi[K]['request'];
export type ReplyOf<K extends ReviewCall> = ReviewApi[K]['reply'];

/** The names, in one list for the client, the entry file and the bundle test. */
export const REVIEW_CALLS = [
  'reviewQueue',
  'reviewDetail',
  'reviewAct',
  'reviewBulk',
] as const satisfies readonly ReviewCall[];

/** A compile error names any request or reply that JSON cannot carry (a Date, a function, undefined). */
type JsonSafe<T extends JsonValue> = T;
export type ReviewApiIsJsonSafe = {
  [K in ReviewCall]: [JsonSafe<RequestOf<K>>, JsonSafe<ReplyOf<K>>];
};

export const PAGE_SIZE = { default: 50, max: 200 } as const;
export const NOTE_MAX = 500;
