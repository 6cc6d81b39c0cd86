// What the sidebar holds between calls: the list as last loaded, the exception open in detail, which row and which
// candidate the keyboard is on, and the form that is open.

import type { DetailView, QueueFilter, QueueView } from '../shared/review-api';

export type FormKind =
  | 'match'
  | 'match-row'
  | 'resolve'
  | 'dismiss'
  | 'snooze'
  | 'assign'
  | 'reopen'
  | 'bulk-resolve'
  | 'bulk-dismiss';

export interface ReviewState {
  filter: QueueFilter;
  page: number;
  pageSize: number;
  queue: QueueView | null;
  listError: string | null;
  /** The exception open in detail, or null for the list. */
  openId: string | null;
  detail: DetailView | null;
  detailError: string | null;
  loading: boolean;
  /** Index of the list row the keyboard is on. */
  selected: number;
  /** Index of the candidate the keyboard is on. */
  candidate: number;
  form: FormKind | null;
  /** A call that changes the books is on its way: buttons wait. */
  busy: boolean;
  /** The last outcome, said once. */
  notice: { text: string; kind: 'done' | 'warning' | 'error' } | null;
}

export function initialState(): ReviewState {
  return {
    filter: { reason: null, status: 'open', owner: null, currency: null },
    page: 1,
    pageSize: 50,
    queue: null,
    listError: null,
    openId: null,
    detail: null,
    detailError: null,
    loading: true,
    selected: 0,
    candidate: 0,
    form: null,
    busy: false,
    notice: null,
  };
}
