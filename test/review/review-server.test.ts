// The review sidebar's server functions, through the Apps Script fakes: what a reviewer sees, what each action
// writes (through the one apply step, with Audit rows in the reviewer's name), and what is refused and why.

import { afterEach, describe, expect, it } from 'vitest';
import type { Answer, Candidate, DetailView, QueueFilter, QueueView } from '../../src/shared/review-api';
import { HEAD, OPEN, OWNER, type ReviewWorld, ROW, reviewWorld, TEACHER } from './review-world';

let world: ReviewWorld;
afterEach(() => world?.close());

function ok<T>(answer: Answer<T>): T {
  if (!answer.ok) throw new Error(`refused (${answer.refusal}): ${answer.message}`);
  return answer;
}

/** Søren's second instalment paid by his family's Stripe customer, before anyone typed its invoice id. */
function sorenPaysSecondInstalment(): void {
  expect(
    world.paid({
      id: 'evt_soren_2_paid',
      invoiceId: 'in_soren_2',
      amountDue: 48_000,
      currency: 'eur',
      customer: 'cus_norgaard',
      customerName: 'Soren Norgaard',
      customerEmail: 'norgaard@mail.example',
      created: Date.parse('2026-01-14T09:00:00Z') / 1000,
    }).result,
  ).toBe('processed');
}

function queue(filter: Partial<QueueFilter> = {}, page = 1, pageSize = 50): QueueView {
  return ok(world.call('reviewQueue', { filter: { ...OPEN, ...filter }, page, pageSize }));
}

function detail(exceptionId: string): DetailView {
  return ok(world.call('reviewDetail', { exceptionId }));
}

function act(exceptionId: string, action: object, who = OWNER, version?: string) {
  const current = version ?? ok(world.call('reviewDetail', { exceptionId }, who)).item.version;
  return world.call('reviewAct', { exceptionId, version: current, action }, who);
}

function row(n: number): Record<string, unknown> {
  return world.records('Ledger')[n - 2]!;
}

describe('the list', () => {
  it('shows open exceptions biggest first, then oldest, with a count and a total per reason and currency', () => {
    world = reviewWorld();
    world.paid({
      invoiceId: 'in_walk_in',
      amountDue: 15_000,
      customerName: 'Walk-in',
      created: 1_767_225_600,
    });
    world.paid({
      invoiceId: 'in_jose_x',
      amountDue: 90_000,
      customerName: 'José Álvarez',
      created: 1_767_225_700,
    });
    world.paid({ invoiceId: 'in_ngozi_x', amountDue: 32_000, customerName: 'Ngozi', created: 1_767_225_800 });
    sorenPaysSecondInstalment();
    const view = queue();
    expect(view.items.map((item) => `${item.invoiceKey} ${item.amount} ${item.currency}`)).toEqual([
      'in_jose_x 900 USD',
      'in_soren_2 480 EUR',
      'in_ngozi_x 320 USD',
      'in_walk_in 150 USD',
    ]);
    expect(view.byReason).toEqual([
      {
        reason: 'UNKNOWN_INVOICE',
        count: 4,
        totals: [
          { currency: 'EUR', amount: 480 },
          { currency: 'USD', amount: 1370 },
        ],
      },
    ]);
    expect(view.items.every((item) => item.matchable && item.status === 'open')).toBe(true);
    expect(view.you).toEqual({ email: OWNER, canAct: true, why: null });
    expect(view.choices.resolutions.map((r) => r.value)).not.toContain('matched');
  });

  it('filters by currency, owner and status, and pages without repeating or losing an exception', () => {
    world = reviewWorld();
    for (let i = 0; i < 7; i++) {
      world.paid({ invoiceId: `in_unknown_${i}`, amountDue: 10_000 + i, currency: i % 2 ? 'eur' : 'usd' });
    }
    expect(queue({ currency: 'EUR' }).total).toBe(3);
    const first = queue().items[0]!;
    expect(ok(act(first.exceptionId, { kind: 'assign', owner: HEAD })).outcome).toBe('applied');
    expect(queue({ owner: HEAD }).items.map((i) => i.exceptionId)).toEqual([first.exceptionId]);
    expect(queue({ owner: '' }).total).toBe(6);
    const pages = [1, 2, 3].flatMap((page) => queue({}, page, 3).items.map((i) => i.exceptionId));
    expect(new Set(pages).size).toBe(7);
    expect(queue({}, 9, 3).page).toBe(3);
    expect(queue({ status: 'resolved' }).total).toBe(0);
  });
});

describe('the detail of a payment no row claimed', () => {
  it('shows the evidence from the logged event: type, amount, customer, time, a test-mode Dashboard link, the raw log row', () => {
    world = reviewWorld();
    sorenPaysSecondInstalment();
    const view = detail(String(world.exceptionFor('in_soren_2')['Exception ID']));
    expect(view.evidence).toEqual([
      expect.objectContaining({
        eventId: 'evt_soren_2_paid',
        eventType: 'invoice.paid',
        amount: 480,
        currency: 'EUR',
        customerId: 'cus_norgaard',
        customerName: 'Soren Norgaard',
        customerEmail: 'norgaard@mail.example',
        at: '2026-01-14T09:00:00.000Z',
        livemode: false,
        dashboardUrl: 'https://dashboard.stripe.com/test/invoices/in_soren_2',
        log: expect.objectContaining({ row: 2, result: 'processed', source: 'webhook', truncated: false }),
      }),
    ]);
    expect(JSON.parse(view.evidence[0]!.log.payload).id).toBe('evt_soren_2_paid');
  });

  it('ranks the row of the same person, owing exactly that, due nearest, first, and says why', () => {
    world = reviewWorld();
    sorenPaysSecondInstalment();
    const view = detail(String(world.exceptionFor('in_soren_2')['Exception ID']));
    expect(view.columns).toEqual({ names: ['Student'], emails: ['Parent e-mail'], dates: ['Due Date'] });
    expect(view.candidates.map((c) => c.rowNumber)).toEqual([ROW.soren2, ROW.soren3, ROW.mette]);
    const [best] = view.candidates as [Candidate];
    expect(best).toMatchObject({
      invoiceId: '',
      owed: 480,
      currency: 'EUR',
      label: expect.stringContaining('Søren'),
    });
    expect(best.reasons.map((r) => r.kind)).toEqual(['email', 'name', 'currency', 'amount', 'date']);
    expect(best.reasons.find((r) => r.kind === 'name')?.text).toBe('Same name (Søren Nørgaard)');
    // Rows that already have an invoice are not offered for an unknown invoice: the match writes the key.
    expect(view.candidates.some((c) => c.rowNumber === ROW.soren1)).toBe(false);
  });
});

describe('a match', () => {
  it('writes the invoice id into the row, applies the parked payment, resolves the exception as matched, with Audit rows in the reviewer’s name', () => {
    world = reviewWorld();
    sorenPaysSecondInstalment();
    const id = String(world.exceptionFor('in_soren_2')['Exception ID']);
    const [best] = detail(id).candidates as [Candidate];
    const answer = ok(
      act(id, { kind: 'match', rowNumber: best.rowNumber, fingerprint: best.fingerprint, note: '' }),
    );
    expect(answer).toMatchObject({ outcome: 'applied', item: { status: 'resolved', resolution: 'matched' } });
    expect(row(ROW.soren2)).toMatchObject({
      'Stripe Invoice ID': 'in_soren_2',
      'Payment Status': 'paid',
      'Amount Paid': 480,
      'Stripe Customer': 'cus_norgaard',
    });
    expect(world.exceptionFor('in_soren_2')).toMatchObject({
      Status: 'resolved',
      Resolution: 'matched',
      'Resolved By': OWNER,
    });
    const audit = world.records('Audit').filter((a) => a.Actor === OWNER);
    expect(audit.map((a) => `${a.Target} ${a.Field}`)).toEqual(
      expect.arrayContaining([
        `Exceptions:${id} Status`,
        `Exceptions:${id} Resolution`,
        'Ledger:in_soren_2 Stripe Invoice ID',
        'Ledger:in_soren_2 Stripe Customer',
      ]),
    );
    expect(world.records('Audit')).toContainEqual(
      expect.objectContaining({
        Target: 'Ledger:in_soren_2',
        Field: 'Payment Status',
        After: 'paid',
        Evidence: 'evt_soren_2_paid',
      }),
    );
  });

  it('learns: the same Stripe customer’s next payment, under another name, ranks the same person’s row first', () => {
    world = reviewWorld();
    sorenPaysSecondInstalment();
    const first = String(world.exceptionFor('in_soren_2')['Exception ID']);
    const [best] = detail(first).candidates as [Candidate];
    ok(act(first, { kind: 'match', rowNumber: best.rowNumber, fingerprint: best.fingerprint, note: '' }));
    // The father pays the third instalment early, from his own e-mail, the day the sister's camp is due.
    world.paid({
      invoiceId: 'in_soren_3',
      amountDue: 48_000,
      currency: 'eur',
      customer: 'cus_norgaard',
      customerName: 'Henrik Nørgaard',
      customerEmail: 'henrik@work.example',
      created: Date.parse('2026-01-17T10:00:00Z') / 1000,
    });
    const next = detail(String(world.exceptionFor('in_soren_3')['Exception ID']));
    expect(next.candidates[0]?.rowNumber).toBe(ROW.soren3);
    expect(next.candidates[0]?.reasons[0]).toEqual({
      kind: 'learned',
      text: `Matched this customer before (row ${ROW.soren2}, the same person)`,
      points: 45,
    });
    // Without what it learned, the sister's row, due that very day, would have come first.
    const mette = next.candidates.find((c) => c.rowNumber === ROW.mette)!;
    const soren = next.candidates[0]!;
    const unlearned = soren.reasons.filter((r) => r.kind !== 'learned').reduce((sum, r) => sum + r.points, 0);
    expect(mette.reasons.reduce((sum, r) => sum + r.points, 0)).toBeGreaterThan(unlearned);
  });

  it('is refused when the row moved since the reviewer looked, and nothing changes', () => {
    world = reviewWorld();
    sorenPaysSecondInstalment();
    const id = String(world.exceptionFor('in_soren_2')['Exception ID']);
    const [best] = detail(id).candidates as [Candidate];
    world.fakes.spreadsheet.getSheetByName('Ledger')!.insertRowBefore(2);
    const answer = ok(
      act(id, { kind: 'match', rowNumber: best.rowNumber, fingerprint: best.fingerprint, note: '' }),
    );
    expect(answer).toMatchObject({
      outcome: 'refused',
      message: expect.stringContaining('changed or moved'),
    });
    expect(world.exceptionFor('in_soren_2').Status).toBe('open');
    expect(world.records('Ledger').some((r) => r['Stripe Invoice ID'] === 'in_soren_2')).toBe(false);
  });

  it('“not this row” keeps that row out of the suggestions for this exception', () => {
    world = reviewWorld();
    sorenPaysSecondInstalment();
    const id = String(world.exceptionFor('in_soren_2')['Exception ID']);
    const [best] = detail(id).candidates as [Candidate];
    expect(
      ok(act(id, { kind: 'reject', rowNumber: best.rowNumber, fingerprint: best.fingerprint })).outcome,
    ).toBe('applied');
    const after = detail(id);
    expect(after.candidates.map((c) => c.rowNumber)).toEqual([ROW.soren3, ROW.mette]);
    expect(after.notMatched).toBe(1);
    expect(world.records('Audit')).toContainEqual(
      expect.objectContaining({
        Actor: OWNER,
        Action: 'review_reject',
        Field: 'Not Matched',
        After: best.fingerprint,
      }),
    );
  });
});

describe('settling by hand', () => {
  function oneOpen(): string {
    world = reviewWorld();
    world.paid({ invoiceId: 'in_walk_in', amountDue: 15_000, customerName: 'Walk-in workshop' });
    return String(world.exceptionFor('in_walk_in')['Exception ID']);
  }

  it('resolves with a resolution and a required note', () => {
    const id = oneOpen();
    expect(act(id, { kind: 'resolve', resolution: 'paid outside Stripe', note: '  ' })).toMatchObject({
      ok: false,
      refusal: 'invalid',
      message: expect.stringContaining('note is required'),
    });
    expect(ok(act(id, { kind: 'resolve', resolution: 'not ours', note: 'A test payment' })).outcome).toBe(
      'applied',
    );
    expect(world.exceptionFor('in_walk_in')).toMatchObject({
      Status: 'resolved',
      Resolution: 'not ours',
      Note: 'A test payment',
      'Resolved By': OWNER,
    });
  });

  it('stores a note that looks like a formula as the text it is', () => {
    const id = oneOpen();
    ok(act(id, { kind: 'dismiss', note: '=IMPORTRANGE("evil", "A1")' }));
    const exceptions = world.fakes.spreadsheet.getSheetByName('Exceptions')!;
    const column = world.fakes.spreadsheet.sheetValues('Exceptions')[0]!.indexOf('Note') + 1;
    expect(exceptions.getRange(2, column).getFormula()).toBe('');
    expect(world.exceptionFor('in_walk_in').Note).toBe('=IMPORTRANGE("evil", "A1")');
  });

  it('dismisses with a note, and reopens', () => {
    const id = oneOpen();
    ok(act(id, { kind: 'dismiss', note: 'Duplicate of a cash payment' }));
    expect(world.exceptionFor('in_walk_in')).toMatchObject({
      Status: 'dismissed',
      Note: 'Duplicate of a cash payment',
    });
    expect(queue().total).toBe(0);
    ok(act(id, { kind: 'reopen', note: 'Not a duplicate after all' }));
    expect(world.exceptionFor('in_walk_in')).toMatchObject({
      Status: 'open',
      'Resolved By': '',
      Resolution: '',
    });
    expect(
      world
        .records('Audit')
        .filter((a) => a.Actor === OWNER)
        .map((a) => `${a.Action} ${a.Field}`),
    ).toEqual(
      expect.arrayContaining(['review_dismiss Status', 'review_dismiss Note', 'review_reopen Status']),
    );
  });

  it('snoozes until a later day: out of the open list, in the snoozed one; a day already past is refused', () => {
    const id = oneOpen();
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    expect(ok(act(id, { kind: 'snooze', until: '2020-01-01', note: '' })).outcome).toBe('refused');
    expect(ok(act(id, { kind: 'snooze', until: soon, note: 'Waiting for the bank' })).outcome).toBe(
      'applied',
    );
    expect(queue().total).toBe(0);
    expect(queue({ status: 'snoozed' }).items[0]).toMatchObject({ status: 'snoozed', snoozeEnded: false });
    const until = world.exceptionFor('in_walk_in')['Snoozed Until'] as Date;
    // Midnight of that day in the spreadsheet's zone (London, winter: UTC).
    expect(until.toISOString()).toBe(`${soon}T00:00:00.000Z`);
  });

  it('assigns an owner, and unassigns', () => {
    const id = oneOpen();
    ok(act(id, { kind: 'assign', owner: 'Head@School.example' }));
    expect(world.exceptionFor('in_walk_in').Owner).toBe(HEAD);
    ok(act(id, { kind: 'assign', owner: '' }));
    expect(world.exceptionFor('in_walk_in').Owner).toBe('');
  });

  it('resolves the whole filtered set in bulk, and refuses when the set changed since it was shown', () => {
    world = reviewWorld();
    for (let i = 0; i < 5; i++)
      world.paid({ invoiceId: `in_test_${i}`, amountDue: 1_000 + i, currency: 'usd' });
    world.paid({ invoiceId: 'in_euro', amountDue: 5_000, currency: 'eur' });
    const view = queue({ currency: 'USD' });
    world.paid({ invoiceId: 'in_test_late', amountDue: 999, currency: 'usd' });
    const action = { kind: 'resolve', resolution: 'not ours', note: 'Test-mode payments' };
    const stale = ok(
      world.call('reviewBulk', { filter: { ...OPEN, currency: 'USD' }, selection: view.selection, action }),
    );
    expect(stale).toMatchObject({ outcome: 'stale', applied: 0 });
    const fresh = queue({ currency: 'USD' });
    const done = ok(
      world.call('reviewBulk', { filter: { ...OPEN, currency: 'USD' }, selection: fresh.selection, action }),
    );
    expect(done).toMatchObject({ outcome: 'applied', applied: 6, refused: 0 });
    expect(queue().items.map((i) => i.invoiceKey)).toEqual(['in_euro']);
    expect(
      world.records('Audit').filter((a) => a.Action === 'review_resolve' && a.Field === 'Status'),
    ).toHaveLength(6);
  });
});

describe('who may act', () => {
  function withException(options: Parameters<typeof reviewWorld>[0] = {}): string {
    world = reviewWorld(options);
    world.paid({ invoiceId: 'in_walk_in', amountDue: 15_000 });
    return String(world.exceptionFor('in_walk_in')['Exception ID']);
  }

  it('refuses someone who is neither an editor nor listed in REVIEWERS, and writes nothing', () => {
    const id = withException();
    const version = detail(id).item.version;
    const audit = world.records('Audit').length;
    const answer = act(id, { kind: 'dismiss', note: 'mine' }, 'stranger@elsewhere.example', version);
    expect(answer).toMatchObject({
      ok: false,
      refusal: 'not-allowed',
      message: expect.stringContaining('neither an editor'),
    });
    expect(world.records('Audit')).toHaveLength(audit);
    expect(world.exceptionFor('in_walk_in').Status).toBe('open');
  });

  it('refuses an editor the Audit sheet is protected from, saying to add them to REVIEWERS and run Set up ledger', () => {
    const id = withException({ editors: [HEAD, TEACHER] });
    const version = detail(id).item.version;
    const answer = act(id, { kind: 'dismiss', note: 'mine' }, TEACHER, version);
    expect(answer).toMatchObject({
      ok: false,
      refusal: 'not-allowed',
      message: expect.stringContaining('REVIEWERS'),
    });
    expect(ok(world.call('reviewQueue', { filter: OPEN, page: 1, pageSize: 50 }, TEACHER)).you).toMatchObject(
      {
        email: TEACHER,
        canAct: false,
      },
    );
  });

  it('lets a reviewer listed in REVIEWERS act once Set up ledger ran, in their own name', () => {
    const id = withException({ editors: [HEAD], reviewers: HEAD });
    const answer = ok(act(id, { kind: 'dismiss', note: 'A parent paid twice; refunded in Stripe' }, HEAD));
    expect(answer.outcome).toBe('applied');
    expect(world.exceptionFor('in_walk_in')['Resolved By']).toBe(HEAD);
    expect(world.records('Audit').filter((a) => a.Actor === HEAD).length).toBeGreaterThanOrEqual(3);
  });

  it('refuses, and says why, when Apps Script does not tell who the user is', () => {
    const id = withException();
    const version = detail(id).item.version;
    const answer = act(id, { kind: 'dismiss', note: 'x' }, '', version);
    expect(answer).toMatchObject({
      ok: false,
      refusal: 'unidentified',
      message: expect.stringContaining('did not tell the add-on who you are'),
    });
  });

  it('refuses a stale view: two reviewers at once settle an exception once', () => {
    const id = withException({ editors: [HEAD], reviewers: HEAD });
    const seenByBoth = detail(id).item.version;
    expect(
      ok(act(id, { kind: 'resolve', resolution: 'written off', note: 'Small' }, OWNER, seenByBoth)).outcome,
    ).toBe('applied');
    const second = ok(act(id, { kind: 'dismiss', note: 'Not ours' }, HEAD, seenByBoth));
    expect(second).toMatchObject({
      outcome: 'stale',
      item: { status: 'resolved', resolution: 'written off' },
    });
    expect(world.exceptionFor('in_walk_in')['Resolved By']).toBe(OWNER);
    expect(world.records('Audit').filter((a) => a.Actor === HEAD)).toEqual([]);
  });

  it('answers busy, changing nothing, while another execution holds the lock', () => {
    const id = withException();
    const version = detail(id).item.version;
    world.fakes.lock.holdScriptLock(true);
    expect(act(id, { kind: 'dismiss', note: 'x' }, OWNER, version)).toMatchObject({
      ok: false,
      refusal: 'busy',
    });
    world.fakes.lock.holdScriptLock(false);
    expect(world.exceptionFor('in_walk_in').Status).toBe('open');
  });
});

describe('malformed input', () => {
  it.each([
    ['not an object', 'resolve everything'],
    ['an unknown action', { exceptionId: 'EX-1', version: 'abc', action: { kind: 'delete' } }],
    [
      'a formula for an id',
      { exceptionId: '=IMPORTRANGE("x")', version: 'abc', action: { kind: 'dismiss', note: 'x' } },
    ],
    [
      'a note too long',
      { exceptionId: 'EX-1', version: 'abc', action: { kind: 'dismiss', note: 'x'.repeat(501) } },
    ],
    [
      'a resolution the add-on keeps for itself',
      { exceptionId: 'EX-1', version: 'abc', action: { kind: 'resolve', resolution: 'matched', note: 'x' } },
    ],
    [
      'an owner that is not an e-mail',
      { exceptionId: 'EX-1', version: 'abc', action: { kind: 'assign', owner: 'Bob' } },
    ],
    [
      'a row number that is not a row',
      {
        exceptionId: 'EX-1',
        version: 'abc',
        action: { kind: 'match', rowNumber: 1, fingerprint: '', note: '' },
      },
    ],
    [
      'a snooze date that is not a date',
      { exceptionId: 'EX-1', version: 'abc', action: { kind: 'snooze', until: 'tomorrow', note: '' } },
    ],
  ])('refuses %s before reading the spreadsheet', (_, request) => {
    world = reviewWorld();
    world.fakes.counters.reset();
    expect(world.call('reviewAct', request)).toMatchObject({ ok: false, refusal: 'invalid' });
    expect(world.fakes.counters.calls).toEqual({});
  });

  it('refuses a bulk action other than resolve or dismiss, and a queue page out of range', () => {
    world = reviewWorld();
    const selection = { count: 0, version: '0-abc' };
    expect(
      world.call('reviewBulk', { filter: OPEN, selection, action: { kind: 'assign', owner: HEAD } }),
    ).toMatchObject({
      ok: false,
      refusal: 'invalid',
      message: 'Only resolve and dismiss can be done in bulk.',
    });
    expect(world.call('reviewQueue', { filter: OPEN, page: 0, pageSize: 50 })).toMatchObject({
      ok: false,
      refusal: 'invalid',
    });
    expect(
      world.call('reviewQueue', { filter: { ...OPEN, status: 'closed' }, page: 1, pageSize: 50 }),
    ).toMatchObject({
      ok: false,
      refusal: 'invalid',
    });
  });
});
