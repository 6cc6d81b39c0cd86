// The review sidebar: the list, one exception in detail, and the actions, each a call to the server through the typed
// client. The server decides everything (who may act, whether the view is stale); the sidebar shows what it says.

import { errorMessage } from '../shared/error-message';
import type { Answer, Candidate, QueueFilter, ReviewAction } from '../shared/review-api';
import { detailView } from './detail-view';
import { h, replace } from './dom';
import { listenForKeys } from './keyboard';
import { listView } from './list-view';
import { reviewClient } from './review-client';
import { type FormKind, initialState } from './review-state';

const client = reviewClient();
const state = initialState();
const root = document.getElementById('app') as HTMLElement;
/** What to focus after the next render: a form's first field, or the row the keyboard is on. */
let focusNext: 'form' | 'row' | null = null;

function render(): void {
  const view = state.openId
    ? detailView(state, {
        back,
        form: (kind, candidate) => openForm(kind, candidate),
        reject,
        retry: () => void openDetail(state.openId as string),
        act: (action) => void act(action),
        cancel: () => openForm(null),
      })
    : listView(state, {
        filter: (change) => void setFilter(change),
        page: (page) => {
          state.page = page;
          state.selected = 0;
          void loadQueue();
        },
        open: (id, form) => void openDetail(id, form),
        select: (index) => {
          state.selected = index;
        },
        form: (kind) => openForm(kind),
        bulk: (kind, resolution, note) => void bulk(kind, resolution, note),
        retry: () => void loadQueue(),
      });
  replace(root, header(), notice(), view);
  if (focusNext === 'form') {
    const form = root.querySelector('form.form');
    (
      form?.querySelector<HTMLElement>('[data-autofocus]') ??
      form?.querySelector<HTMLElement>('select, input, textarea')
    )?.focus();
  }
  if (focusNext === 'row')
    root.querySelector<HTMLElement>('.items .selected, .candidate.selected, .detail h2')?.focus();
  focusNext = null;
}

function header(): HTMLElement {
  const you = state.detail?.you ?? state.queue?.you ?? null;
  // Sheets shows the title (Review exceptions) in the sidebar's own bar: the page starts with who is acting.
  return h(
    'header',
    {},
    you?.canAct ? h('p', { class: 'you' }, `Acting as ${you.email}`) : null,
    you && !you.canAct ? h('p', { class: 'banner', role: 'alert' }, you.why ?? 'You cannot act here.') : null,
  );
}

function notice(): HTMLElement | null {
  const shown = state.notice;
  if (!shown) return null;
  return h(
    'p',
    { class: `notice ${shown.kind}`, role: shown.kind === 'error' ? 'alert' : 'status' },
    shown.text,
    h('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => say(null) }, '×'),
  );
}

function say(text: string | null, kind: 'done' | 'warning' | 'error' = 'done'): void {
  state.notice = text === null ? null : { text, kind };
  render();
}

async function call<T>(request: () => Promise<Answer<T>>): Promise<({ ok: true } & T) | null> {
  try {
    const answer = await request();
    if (answer.ok) return answer;
    say(answer.message, answer.refusal === 'busy' ? 'warning' : 'error');
  } catch (error) {
    say(`The server did not answer: ${errorMessage(error)}`, 'error');
  }
  return null;
}

async function loadQueue(): Promise<void> {
  state.loading = true;
  render();
  try {
    const answer = await client.reviewQueue({
      filter: state.filter,
      page: state.page,
      pageSize: state.pageSize,
    });
    if (answer.ok) {
      state.queue = answer;
      state.page = answer.page;
      state.listError = null;
      state.selected = Math.max(0, Math.min(state.selected, answer.items.length - 1));
    } else {
      state.listError = answer.message;
    }
  } catch (error) {
    state.listError = `The exceptions could not be loaded: ${errorMessage(error)}`;
  }
  state.loading = false;
  focusNext = 'row';
  render();
}

async function setFilter(change: Partial<QueueFilter>): Promise<void> {
  state.filter = { ...state.filter, ...change };
  state.page = 1;
  state.selected = 0;
  state.form = null;
  await loadQueue();
}

async function openDetail(exceptionId: string, form?: FormKind): Promise<void> {
  state.openId = exceptionId;
  state.detail = null;
  state.detailError = null;
  state.candidate = 0;
  state.form = null;
  render();
  try {
    const answer = await client.reviewDetail({ exceptionId });
    if (state.openId !== exceptionId) return;
    if (!answer.ok) {
      state.detailError = answer.message;
    } else {
      state.detail = answer;
      focusNext = 'row';
      if (form) chooseForm(form);
    }
  } catch (error) {
    state.detailError = `The exception could not be loaded: ${errorMessage(error)}`;
  }
  render();
}

function openForm(kind: FormKind | null, candidate?: number): void {
  chooseForm(kind, candidate);
  render();
}

/** Opens a form, if the exception allows it, for the next render to show and focus. */
function chooseForm(kind: FormKind | null, candidate?: number): void {
  if (candidate !== undefined) state.candidate = candidate;
  const detail = state.detail;
  if (kind && detail && !kind.startsWith('bulk')) {
    const waiting = detail.item.status === 'open' || detail.item.status === 'snoozed';
    if (!detail.you.canAct) return;
    if ((kind === 'match' || kind === 'match-row') && !(detail.item.matchable && waiting)) return;
    if ((kind === 'resolve' || kind === 'dismiss' || kind === 'snooze') && !waiting) return;
    if (kind === 'match' && detail.candidates.length === 0) kind = 'match-row';
  }
  state.form = kind;
  focusNext = kind ? 'form' : 'row';
}

function back(): void {
  if (state.form) {
    openForm(null);
    return;
  }
  if (!state.openId) return;
  state.openId = null;
  state.detail = null;
  void loadQueue();
}

async function act(action: ReviewAction): Promise<void> {
  const detail = state.detail;
  if (!detail || state.busy) return;
  state.busy = true;
  render();
  const answer = await call(() =>
    client.reviewAct({ exceptionId: detail.item.exceptionId, version: detail.item.version, action }),
  );
  state.busy = false;
  if (!answer) return render();
  if (answer.outcome === 'applied') {
    state.notice = { text: answer.message, kind: 'done' };
    state.form = null;
    const settles = ['match', 'resolve', 'dismiss', 'snooze'].includes(action.kind);
    if (settles) {
      // Back to the list, on the row that took this one's place.
      state.openId = null;
      state.detail = null;
      await loadQueue();
    } else {
      await openDetail(detail.item.exceptionId);
    }
    return;
  }
  state.notice = { text: answer.message, kind: 'warning' };
  if (answer.outcome === 'stale') await openDetail(detail.item.exceptionId);
  else render();
}

function reject(candidate: Candidate): void {
  void act({ kind: 'reject', rowNumber: candidate.rowNumber, fingerprint: candidate.fingerprint });
}

async function bulk(kind: 'resolve' | 'dismiss', resolution: string, note: string): Promise<void> {
  const queue = state.queue;
  if (!queue || state.busy) return;
  state.busy = true;
  render();
  const answer = await call(() =>
    client.reviewBulk({
      filter: state.filter,
      selection: queue.selection,
      action: kind === 'resolve' ? { kind, resolution, note } : { kind, note },
    }),
  );
  state.busy = false;
  if (answer) {
    state.notice = { text: answer.message, kind: answer.outcome === 'applied' ? 'done' : 'warning' };
    state.form = null;
  }
  await loadQueue();
}

function move(by: 1 | -1): void {
  if (state.openId) {
    const count = state.detail?.candidates.length ?? 0;
    if (count === 0) return;
    state.candidate = Math.max(0, Math.min(count - 1, state.candidate + by));
  } else {
    const count = state.queue?.items.length ?? 0;
    if (count === 0) return;
    state.selected = Math.max(0, Math.min(count - 1, state.selected + by));
  }
  focusNext = 'row';
  render();
}

/** From the list a key opens the exception on that form; in detail it opens the form. */
function keyed(form: FormKind): void {
  if (state.openId) {
    openForm(form);
    return;
  }
  const item = state.queue?.items[state.selected];
  if (item) void openDetail(item.exceptionId, form);
}

listenForKeys(document, {
  move,
  open: () => {
    const item = state.queue?.items[state.selected];
    if (!state.openId && item) void openDetail(item.exceptionId);
  },
  match: () => keyed('match'),
  resolve: () => keyed('resolve'),
  dismiss: () => keyed('dismiss'),
  back,
});

void loadQueue();
