// One exception: what it is, the evidence Stripe sent (with a link to the object in the Dashboard and the log row as
// logged), the ledger rows its money may belong to with their reasons, and the actions.

import type { Candidate, DetailView, Evidence } from '../shared/review-api';
import { actionForm, type FormHandlers } from './action-forms';
import { h } from './dom';
import { age, money, reasonWords, when } from './format';
import type { FormKind, ReviewState } from './review-state';

export interface DetailHandlers extends FormHandlers {
  back(): void;
  form(kind: FormKind | null, candidate?: number): void;
  reject(candidate: Candidate): void;
  retry(): void;
}

export function detailView(state: ReviewState, on: DetailHandlers): HTMLElement {
  const back = h('button', { type: 'button', class: 'back', onclick: () => on.back() }, '‹ All exceptions');
  if (state.detailError) {
    return h(
      'section',
      { class: 'detail' },
      back,
      h(
        'div',
        { class: 'problem', role: 'alert' },
        h('p', {}, state.detailError),
        h('button', { type: 'button', onclick: () => on.retry() }, 'Try again'),
      ),
    );
  }
  const detail = state.detail;
  if (!detail)
    return h(
      'section',
      { class: 'detail', 'aria-busy': 'true' },
      back,
      h('p', { class: 'loading' }, 'Loading the evidence…'),
    );
  const { item } = detail;
  const waiting = item.status === 'open' || item.status === 'snoozed';
  const canAct = detail.you.canAct && !state.busy;
  const choices = state.queue?.choices ?? null;
  const candidate = detail.candidates[state.candidate] ?? null;
  const form =
    state.form && !state.form.startsWith('bulk')
      ? actionForm(state.form, detail, choices, state.form === 'match' ? candidate : null, state.busy, on)
      : null;
  return h(
    'section',
    { class: 'detail', 'aria-label': `Exception ${item.exceptionId}`, 'data-id': item.exceptionId },
    back,
    h(
      'h2',
      { tabindex: -1 },
      money(item.amount, item.currency),
      h('span', { class: 'reason' }, reasonWords(item.reason)),
    ),
    h(
      'p',
      { class: 'meta' },
      [
        item.exceptionId,
        item.status + (item.resolution ? ` (${item.resolution})` : ''),
        age(item.ageDays),
        item.owner && `owner ${item.owner}`,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    h('p', { class: 'key' }, item.invoiceKey),
    item.note ? h('p', { class: 'note' }, item.note) : null,
    actions(detail, waiting, canAct, on),
    form,
    item.matchable && waiting ? candidates(detail, state, canAct, on) : null,
    h(
      'section',
      { class: 'evidence', 'aria-label': 'Evidence' },
      h(
        'h3',
        {},
        detail.evidence.length === 1
          ? 'What Stripe sent'
          : `What Stripe sent (${detail.evidence.length} events)`,
      ),
      detail.evidence.length === 0
        ? h('p', { class: 'hint' }, 'No logged event: this exception was raised by a check of the add-on.')
        : null,
      detail.evidence.map(evidenceCard),
    ),
  );
}

function actions(detail: DetailView, waiting: boolean, canAct: boolean, on: DetailHandlers): HTMLElement {
  const button = (kind: FormKind, label: string, key: string | null) =>
    h(
      'button',
      { type: 'button', disabled: !canAct, 'data-action': kind, onclick: () => on.form(kind) },
      label,
      key ? h('kbd', {}, key) : null,
    );
  return h(
    'div',
    { class: 'actions', role: 'toolbar', 'aria-label': 'Actions' },
    waiting ? button('resolve', 'Resolve', 'r') : null,
    waiting ? button('dismiss', 'Dismiss', 'd') : null,
    waiting ? button('snooze', 'Snooze', null) : null,
    button('assign', 'Assign', null),
    !waiting || detail.item.status === 'snoozed' ? button('reopen', 'Reopen', null) : null,
  );
}

function candidates(
  detail: DetailView,
  state: ReviewState,
  canAct: boolean,
  on: DetailHandlers,
): HTMLElement {
  const people = [...detail.columns.names, ...detail.columns.emails].join(', ');
  return h(
    'section',
    { class: 'candidates', 'aria-label': 'Ledger rows it may belong to' },
    h('h3', {}, 'Ledger rows it may belong to'),
    detail.candidates.length === 0 ? h('p', { class: 'hint' }, detail.matchHelp ?? 'No suggestion.') : null,
    h(
      'ol',
      { role: 'listbox', 'aria-label': 'Suggested rows' },
      detail.candidates.map((candidate, index) =>
        h(
          'li',
          {
            role: 'option',
            class: index === state.candidate ? 'candidate selected' : 'candidate',
            'aria-selected': index === state.candidate ? 'true' : 'false',
            tabindex: -1,
            'data-row': candidate.rowNumber,
          },
          h(
            'div',
            { class: 'line' },
            h('span', { class: 'score', title: 'How well it fits, out of 100' }, String(candidate.score)),
            h('b', {}, candidate.label),
          ),
          h(
            'div',
            { class: 'line small' },
            [
              `row ${candidate.rowNumber}`,
              candidate.invoiceId || 'no invoice id yet',
              candidate.owed === null ? '' : `owes ${money(candidate.owed, candidate.currency)}`,
              candidate.detail,
            ]
              .filter(Boolean)
              .join(' · '),
          ),
          h(
            'ul',
            { class: 'reasons' },
            candidate.reasons.map((reason) =>
              h(
                'li',
                { class: reason.points >= 0 ? 'for' : 'against' },
                h(
                  'span',
                  { class: 'points' },
                  reason.points >= 0 ? `+${reason.points}` : String(reason.points),
                ),
                ` ${reason.text}`,
              ),
            ),
          ),
          h(
            'div',
            { class: 'buttons' },
            h(
              'button',
              {
                type: 'button',
                class: 'primary',
                disabled: !canAct,
                'data-action': 'match',
                onclick: () => on.form('match', index),
              },
              'Match',
              h('kbd', {}, 'm'),
            ),
            h(
              'button',
              {
                type: 'button',
                disabled: !canAct,
                'data-action': 'reject',
                onclick: () => on.reject(candidate),
              },
              'Not this row',
            ),
          ),
        ),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      people
        ? `Compared with the Ledger’s ${people} columns. `
        : 'The Ledger has no column that names people. ',
      h(
        'button',
        { type: 'button', class: 'link', disabled: !canAct, onclick: () => on.form('match-row') },
        'Match another row by its number',
      ),
    ),
  );
}

function evidenceCard(evidence: Evidence): HTMLElement {
  const field = (label: string, value: string | null) =>
    value ? [h('dt', {}, label), h('dd', {}, value)] : [];
  const who = [evidence.customerName, evidence.customerEmail].filter(Boolean).join(' · ');
  return h(
    'article',
    { class: 'event' },
    h(
      'h4',
      {},
      evidence.eventType,
      h('span', { class: 'amount' }, money(evidence.amount, evidence.currency)),
    ),
    h(
      'dl',
      {},
      ...field('Paid by', who || null),
      ...field('Customer', evidence.customerId || null),
      ...field('At', when(evidence.at)),
      ...field('Event', evidence.eventId),
    ),
    evidence.dashboardUrl
      ? h(
          'a',
          { href: evidence.dashboardUrl, target: '_blank', rel: 'noopener noreferrer' },
          evidence.livemode ? 'Open in the Stripe Dashboard' : 'Open in the Stripe Dashboard (test mode)',
        )
      : null,
    h(
      'details',
      {},
      h(
        'summary',
        {},
        evidence.log.row > 0
          ? `Stripe Events row ${evidence.log.row}`
          : 'Stripe Events archive (an older row)',
      ),
      h(
        'dl',
        {},
        ...field('Received', when(evidence.log.receivedAt)),
        ...field('Source', evidence.log.source),
        ...field('Verification', evidence.log.verification),
        ...field('Result', evidence.log.result),
        ...field('Message', evidence.log.message || null),
      ),
      h('pre', {}, evidence.log.payload + (evidence.log.truncated ? '\n… (the row holds the rest)' : '')),
    ),
  );
}
