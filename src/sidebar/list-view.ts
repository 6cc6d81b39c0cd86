// The list: filters, the count and total per reason, the exceptions biggest first, pages, and the bulk actions for
// the filtered set. Laid out for the sidebar's 300 pixels.

import type { QueueFilter, QueueView, StatusFilter } from '../shared/review-api';
import { h } from './dom';
import { age, money, reasonWords } from './format';
import type { FormKind, ReviewState } from './review-state';

export interface ListHandlers {
  filter(change: Partial<QueueFilter>): void;
  page(page: number): void;
  open(exceptionId: string, form?: FormKind): void;
  select(index: number): void;
  form(kind: FormKind | null): void;
  bulk(kind: 'resolve' | 'dismiss', resolution: string, note: string): void;
  retry(): void;
}

const STATUSES: [StatusFilter, string][] = [
  ['open', 'Open'],
  ['snoozed', 'Snoozed'],
  ['resolved', 'Resolved'],
  ['dismissed', 'Dismissed'],
  ['all', 'All'],
];

export function listView(state: ReviewState, on: ListHandlers): HTMLElement {
  const queue = state.queue;
  return h(
    'section',
    { class: 'list', 'aria-label': 'Exceptions', 'aria-busy': state.loading ? 'true' : null },
    filters(state, queue, on),
    queue ? summary(queue, state.filter, on) : null,
    body(state, on),
    queue && queue.total > queue.pageSize ? pager(queue, on) : null,
    queue && queue.total > 0 && queue.you.canAct ? bulk(state, queue, on) : null,
  );
}

function filters(state: ReviewState, queue: QueueView | null, on: ListHandlers): HTMLElement {
  const choice = (
    label: string,
    name: string,
    value: string,
    options: [string, string][],
    change: (value: string) => void,
  ) =>
    h(
      'label',
      { class: 'filter' },
      label,
      h(
        'select',
        { name, onchange: (event: Event) => change((event.target as HTMLSelectElement).value) },
        options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
      ),
    );
  const { filter } = state;
  const reasons = queue?.choices.reasons ?? [];
  const owners = queue?.choices.owners ?? [];
  const currencies = queue?.choices.currencies ?? [];
  return h(
    'div',
    { class: 'filters' },
    choice('Status', 'status', filter.status, STATUSES, (v) => on.filter({ status: v as StatusFilter })),
    choice(
      'Reason',
      'reason',
      filter.reason ?? '*',
      [['*', 'Any'], ...reasons.map((r): [string, string] => [r, reasonWords(r)])],
      (v) => on.filter({ reason: v === '*' ? null : v }),
    ),
    choice(
      'Owner',
      'owner',
      filter.owner ?? '*',
      [['*', 'Anyone'], ['', 'Nobody'], ...owners.map((o): [string, string] => [o, o])],
      (v) => on.filter({ owner: v === '*' ? null : v }),
    ),
    choice(
      'Currency',
      'currency',
      filter.currency ?? '*',
      [['*', 'Any'], ...currencies.map((c): [string, string] => [c, c])],
      (v) => on.filter({ currency: v === '*' ? null : v }),
    ),
  );
}

function summary(queue: QueueView, filter: QueueFilter, on: ListHandlers): HTMLElement | null {
  if (queue.byReason.length === 0) return null;
  return h(
    'ul',
    { class: 'totals', 'aria-label': 'Per reason' },
    queue.byReason.map((entry) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: filter.reason === entry.reason ? 'chip on' : 'chip',
            'aria-pressed': filter.reason === entry.reason ? 'true' : 'false',
            onclick: () => on.filter({ reason: filter.reason === entry.reason ? null : entry.reason }),
          },
          h('b', {}, reasonWords(entry.reason)),
          ` ${entry.count}`,
          entry.totals.length > 0
            ? h('span', { class: 'sum' }, entry.totals.map((t) => money(t.amount, t.currency)).join(' · '))
            : null,
        ),
      ),
    ),
  );
}

function body(state: ReviewState, on: ListHandlers): HTMLElement {
  if (state.listError) {
    return h(
      'div',
      { class: 'problem', role: 'alert' },
      h('p', {}, state.listError),
      h('button', { type: 'button', onclick: () => on.retry() }, 'Try again'),
    );
  }
  const queue = state.queue;
  if (!queue) return h('p', { class: 'loading' }, 'Loading the exceptions…');
  if (queue.items.length === 0) {
    return h(
      'div',
      { class: 'empty' },
      h('p', {}, state.filter.status === 'open' ? 'Nothing waits for review.' : 'No exception matches.'),
      h(
        'p',
        { class: 'hint' },
        'Payments that fit the ledger never come here; those that do not will, with a reason.',
      ),
    );
  }
  return h(
    'ol',
    { class: 'items', role: 'listbox', 'aria-label': `${queue.total} exceptions` },
    queue.items.map((item, index) =>
      h(
        'li',
        {
          role: 'option',
          class: index === state.selected ? 'item selected' : 'item',
          'aria-selected': index === state.selected ? 'true' : 'false',
          'data-id': item.exceptionId,
          tabindex: index === state.selected ? 0 : -1,
          onclick: () => on.open(item.exceptionId),
          onfocus: () => on.select(index),
        },
        h(
          'div',
          { class: 'line' },
          h('span', { class: 'amount' }, money(item.amount, item.currency)),
          h('span', { class: `reason r-${item.reason.toLowerCase()}` }, reasonWords(item.reason)),
        ),
        h(
          'div',
          { class: 'line small' },
          h('span', { class: 'key' }, item.invoiceKey),
          h(
            'span',
            {},
            [
              item.status !== 'open' ? (item.snoozeEnded ? 'snooze ended' : item.status) : '',
              age(item.ageDays),
              item.owner ? `→ ${item.owner.split('@')[0]}` : '',
            ]
              .filter(Boolean)
              .join(' · '),
          ),
        ),
      ),
    ),
  );
}

function pager(queue: QueueView, on: ListHandlers): HTMLElement {
  const first = (queue.page - 1) * queue.pageSize + 1;
  const last = Math.min(queue.total, queue.page * queue.pageSize);
  const pages = Math.ceil(queue.total / queue.pageSize);
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h(
      'button',
      { type: 'button', disabled: queue.page <= 1, onclick: () => on.page(queue.page - 1) },
      '‹ Prev',
    ),
    h('span', {}, `${first}–${last} of ${queue.total.toLocaleString('en-US')}`),
    h(
      'button',
      { type: 'button', disabled: queue.page >= pages, onclick: () => on.page(queue.page + 1) },
      'Next ›',
    ),
  );
}

function bulk(state: ReviewState, queue: QueueView, on: ListHandlers): HTMLElement {
  const count = queue.selection.count;
  const open = state.form === 'bulk-resolve' || state.form === 'bulk-dismiss';
  const all = `all ${count.toLocaleString('en-US')}`;
  if (!open) {
    return h(
      'div',
      { class: 'bulk' },
      h('button', { type: 'button', onclick: () => on.form('bulk-resolve') }, `Resolve ${all}…`),
      h('button', { type: 'button', onclick: () => on.form('bulk-dismiss') }, `Dismiss ${all}…`),
    );
  }
  const resolving = state.form === 'bulk-resolve';
  const resolution = h(
    'select',
    { name: 'resolution', 'aria-label': 'Resolution' },
    queue.choices.resolutions.map((r) => h('option', { value: r.value }, r.label)),
  ) as HTMLSelectElement;
  const note = h('textarea', {
    name: 'note',
    rows: 2,
    maxlength: 500,
    required: true,
    placeholder: 'Why (required): it goes into every exception’s Note and the Audit',
    'aria-label': 'Note',
  }) as HTMLTextAreaElement;
  return h(
    'form',
    {
      class: 'bulk form',
      onsubmit: (event: Event) => {
        event.preventDefault();
        on.bulk(resolving ? 'resolve' : 'dismiss', resolution.value, note.value);
      },
    },
    h('p', {}, `${resolving ? 'Resolve' : 'Dismiss'} ${all} exceptions this filter shows, on every page?`),
    resolving ? resolution : null,
    note,
    h(
      'div',
      { class: 'buttons' },
      h(
        'button',
        { type: 'submit', class: 'primary', disabled: state.busy },
        resolving ? `Resolve ${all}` : `Dismiss ${all}`,
      ),
      h('button', { type: 'button', onclick: () => on.form(null) }, 'Cancel'),
    ),
  );
}
