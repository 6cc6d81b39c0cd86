// The small forms of an action: what it needs and nothing more. A resolution needs its type and a note; a dismissal
// a note; a snooze a day; an assignment an owner; a match a confirmation (and, by row number, the row).

import type { Candidate, DetailView, QueueView, ReviewAction } from '../shared/review-api';
import { h } from './dom';
import { dayFromToday, money } from './format';
import type { FormKind } from './review-state';

export interface FormHandlers {
  act(action: ReviewAction): void;
  cancel(): void;
}

export function actionForm(
  kind: FormKind,
  detail: DetailView,
  choices: QueueView['choices'] | null,
  candidate: Candidate | null,
  busy: boolean,
  on: FormHandlers,
): HTMLElement | null {
  const note = (placeholder: string, required: boolean) =>
    h('textarea', {
      name: 'note',
      rows: 2,
      maxlength: 500,
      required,
      placeholder,
      'aria-label': 'Note',
    }) as HTMLTextAreaElement;
  /** `first`: the button takes the focus when the form opens (m, then Enter, matches). */
  const buttons = (label: string, first = false) =>
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', disabled: busy, 'data-autofocus': first }, label),
      h('button', { type: 'button', onclick: () => on.cancel() }, 'Cancel'),
    );
  const form = (name: string, submit: () => ReviewAction | null, ...children: (HTMLElement | null)[]) =>
    h(
      'form',
      {
        class: 'form',
        'data-form': name,
        onsubmit: (event: Event) => {
          event.preventDefault();
          const action = submit();
          if (action) on.act(action);
        },
      },
      ...children,
    );

  switch (kind) {
    case 'match': {
      if (!candidate) return null;
      const text = note('Note (optional)', false);
      return form(
        'match',
        () => ({
          kind: 'match',
          rowNumber: candidate.rowNumber,
          fingerprint: candidate.fingerprint,
          note: text.value,
        }),
        h(
          'p',
          {},
          `Match to row ${candidate.rowNumber} (${candidate.label})? `,
          candidate.invoiceId === ''
            ? `Its Stripe Invoice ID becomes ${detail.item.invoiceKey}, `
            : `The payment goes to ${candidate.invoiceId}, `,
          `the ${money(detail.item.amount, detail.item.currency)} is applied to it, and the exception is resolved as matched.`,
        ),
        buttons('Match', true),
        text,
      );
    }
    case 'match-row': {
      const row = h('input', {
        name: 'row',
        type: 'number',
        min: 2,
        step: 1,
        required: true,
        'aria-label': 'Row number',
      }) as HTMLInputElement;
      const text = note('Note (optional)', false);
      return form(
        'match-row',
        () => ({ kind: 'match', rowNumber: Number(row.value), fingerprint: '', note: text.value }),
        h('label', {}, 'Ledger row number ', row),
        text,
        buttons('Match to this row'),
      );
    }
    case 'resolve': {
      const resolution = h(
        'select',
        { name: 'resolution', 'aria-label': 'Resolution', required: true },
        (choices?.resolutions ?? []).map((r) => h('option', { value: r.value }, r.label)),
      ) as HTMLSelectElement;
      const text = note('Why (required)', true);
      return form(
        'resolve',
        () => ({ kind: 'resolve', resolution: resolution.value, note: text.value }),
        resolution,
        text,
        buttons('Resolve'),
      );
    }
    case 'dismiss': {
      const text = note('Why it needs nothing (required)', true);
      return form('dismiss', () => ({ kind: 'dismiss', note: text.value }), text, buttons('Dismiss'));
    }
    case 'snooze': {
      const until = h('input', {
        name: 'until',
        type: 'date',
        required: true,
        min: dayFromToday(1),
        value: dayFromToday(7),
        'aria-label': 'Snooze until',
      }) as HTMLInputElement;
      const text = note('Note (optional)', false);
      return form(
        'snooze',
        () => ({ kind: 'snooze', until: until.value, note: text.value }),
        h('label', {}, 'Until ', until),
        text,
        buttons('Snooze'),
      );
    }
    case 'assign': {
      const owner = h('input', {
        name: 'owner',
        type: 'email',
        list: 'owners',
        value: detail.item.owner,
        placeholder: 'e-mail, or empty for nobody',
        'aria-label': 'Owner',
      }) as HTMLInputElement;
      return form(
        'assign',
        () => ({ kind: 'assign', owner: owner.value.trim() }),
        owner,
        h(
          'datalist',
          { id: 'owners' },
          (choices?.owners ?? []).map((o) => h('option', { value: o })),
        ),
        buttons('Assign'),
      );
    }
    case 'reopen': {
      const text = note('Why it needs another look (optional)', false);
      return form('reopen', () => ({ kind: 'reopen', note: text.value }), text, buttons('Reopen'));
    }
    default:
      return null;
  }
}
