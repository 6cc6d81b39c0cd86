// The one way to change the books. Webhook deliveries, queued deliveries, synced and imported events, and system
// findings (drift, settlement timers) all come through `applyChanges`, under the script lock the caller holds.
//
// A batch is decided in memory first (rows read, facts merged in Stripe-time order, exceptions reconciled) and then
// written in a fixed order under a write-ahead journal: journal → log rows → exceptions → audit → ledger rows →
// journal cleared. The ledger row is written last because its state is the row's own dedupe index: once it holds an
// event, everything else that event causes is already written. An execution stopped anywhere in between leaves the
// journal behind, and the next holder of the lock completes the batch (`recoverJournal`) before doing anything else.
// See docs/INGEST.md for the argument.

import { errorMessage } from '../../shared/error-message';
import { type ExceptionReason, LEDGER_CUSTOMER_COLUMN, LEDGER_KEY, type WebhookResult } from '../contract';
import { decide, expectedInMinor, representativeMoney } from '../decide';
import { openKey } from '../exceptions/exception-id';
import { EVIDENCE_REASONS, type WantedException, wantedExceptions } from '../exceptions/rules';
import type { PayoutFact, ReceiptFact, StripeFact } from '../facts';
import type { CellChange, CellValue, LedgerRowView } from '../ledger-row';
import { emptyState, hasSeen, serialiseState } from '../merge';
import { formatMoney, majorToMinor } from '../money';
import { isNormalisedType, normaliseEvent } from '../normalise';
import { payoutSeen } from '../payouts/payout-state';
import type { InvoiceState, RaisedCause } from '../state';
import { appliedEventId, readThinEvent } from '../thin-event';
import type {
  ApplyOptions,
  ApplyResult,
  AuditNote,
  Delivery,
  DeliveryOutcome,
  Finding,
  FindingOutcome,
} from './changes';
import {
  auditKey,
  type KeyActivity,
  keysToLookUp,
  newActivity,
  reconcile,
  recordEventException,
  recordTransition,
  SYSTEM_ACTOR,
  type TouchedBy,
} from './exception-plan';
import { type HoldWhy, holdMessage, releasedMessage } from './held-payments';
import { decidePayout, type PayoutWorking, payoutWorkings, payoutWrites, setPayoutHint } from './payout-rows';
import type {
  AuditEntry,
  BooksPorts,
  EventLogRow,
  ExceptionRecord,
  ExceptionUpdate,
  JournalFinding,
  LedgerRecord,
  LedgerWrite,
  LoggedDelivery,
  LogWrite,
  NewException,
  RowIndex,
} from './ports';
import {
  checkReviews,
  type MatchTarget,
  type Review,
  type ReviewChange,
  type ReviewOutcome,
  reviewWrites,
} from './reviews';
import { feeTarget, settlementFromRead, settlementsOfPayout } from './settlements';

/**
 * A batch stopped while being written. `recorded`: its deliveries are in the journal or have their rows (recovery
 * completes them, and writes their rows); otherwise nothing of the batch was written.
 */
export class ApplyInterrupted extends Error {
  constructor(
    message: string,
    readonly recorded: boolean,
    readonly cause: unknown,
  ) {
    super(message);
    this.name = 'ApplyInterrupted';
  }
}

/** Results that settle a delivery: a later delivery of the same event is a duplicate. */
export const SETTLED_RESULTS: ReadonlySet<WebhookResult> = new Set<WebhookResult>([
  'processed',
  'duplicate',
  'ignored',
]);

interface Item {
  delivery: Delivery;
  eventId: string | null;
  eventType: string | null;
  fact: StripeFact | null;
  /** Set once decided. */
  result: WebhookResult | null;
  message: string;
  /** The ledger row this fact applies to, once located. */
  row: Working | null;
  /** The key an unplaced fact is parked under. */
  parkedKey: string | null;
  /** Why it is parked: an invoice no row has, or money that belongs to no invoice (keyed by its payment). */
  parkReason: ParkReason;
  /** A payout event: applied to `Payouts`, not to a ledger row. */
  payout: PayoutFact | null;
  payoutRow: PayoutWorking | null;
  /** Derived by the batch (a payment's balance transaction): applied to its row, never logged or answered. */
  derived?: true;
  /** Money whose invoice is not known yet: logged with HELD_MARK for sync to decide after the grace window. */
  held?: HoldWhy;
  /** A held payment's row read back for sync's decision (its message then): the row's message is rewritten. */
  release?: string;
  /** Stripe was asked something for this delivery: each delivery asks at most once. */
  asked: boolean;
  /** In recovery: this delivery's change is already complete; only its log row is rewritten. */
  complete: boolean;
  /** Its final log row, still to be reserved. */
  pendingRow?: LogWrite;
  /** A parked event a reviewer's match (or a row added since) brings to a ledger row: applied, not logged again. */
  claim?: { target: MatchTarget; actor: string; exceptionId: string; customer?: string };
}

type ParkReason = 'UNKNOWN_INVOICE' | 'UNMATCHED_PAYMENT';

/** Balance transactions read per batch at most (a burst drained at once): the rest come with their payouts. */
const FEE_READS_PER_BATCH = 20;

interface Working {
  record: LedgerRecord;
  view: LedgerRowView;
  stored: InvoiceState | null;
  wanted: Map<ExceptionReason, WantedException>;
  changes: Map<CellChange['field'], CellChange>;
  activity: KeyActivity;
  /** The last delivery that changed this row, for the exception summary. */
  lastItem: Item | null;
  /** A `Stripe Invoice ID` to write into the row's blank key cell. */
  key?: string;
  /** A `Stripe Customer` to write with a reviewer's match. */
  customer?: string;
}

export function applyChanges(
  ports: BooksPorts,
  deliveries: Delivery[],
  extra: { findings?: Finding[]; notes?: AuditNote[]; reviews?: Review[]; releases?: number[] } = {},
  options: ApplyOptions = {},
): ApplyResult {
  const findings = extra.findings ?? [];
  const reviews = extra.reviews ?? [];
  const recovery = options.recovery === true;
  // In recovery, the time the stopped batch began: the cells it wrote (a reviewer's `Resolved At`) are recognised as
  // its own, and what it had not written yet is written as it would have been.
  const now = options.recovery && options.at ? options.at : ports.clock.now();
  const items = deliveries.map((delivery) => classify(delivery, ports));
  const releases = extra.releases ?? [];
  items.push(...releasedItems(ports, releases));
  const reviewRecords =
    reviews.length > 0 ? ports.exceptions.lookupIds(reviews.map((r) => r.exceptionId)) : [];
  const checked = checkReviews(reviews, reviewRecords, now, recovery);
  items.push(...claimedEvents(ports, checked.changes));
  items.push(...payoutSettlements(items));
  markBatchDuplicates(items);
  const working = locateRows(ports, items, options);
  refuseUnplacedMatches(items, checked, recovery);
  const payouts = locatePayouts(ports, items);
  // A parked event's exception lists it: that lookup, needed anyway, is its dedupe too.
  const parkedKeys = [
    ...new Set(
      items
        .filter((i) => i.parkedKey && i.result === null)
        .map((i) => openKey(i.parkReason, i.parkedKey as string)),
    ),
  ];
  const parkedRecords = parkedKeys.length > 0 ? ports.exceptions.lookup(parkedKeys) : [];
  dedupe(ports, items, recovery, parkedRecords);
  settleHeld(items);
  readFees(ports, items);

  const unknown = new Map<string, KeyActivity>();
  // Rows a system check records as they are (an escalation): audited with the batch, journaled for recovery.
  const audit: AuditEntry[] = (extra.notes ?? []).map((note) => ({ ...note, at: now }));
  const payoutItems = new Map<PayoutWorking, Item>();
  decideInOrder(ports, items, unknown, audit, options, payoutItems);

  const findingKeys = addFindings(findings, working, unknown, now);
  // A row only re-judged when something was applied to it (or a check raised something): a repeat changes nothing.
  const touchedRows = [...working.values()].filter(
    (w) => w.lastItem !== null || w.activity.eventRaised.size > 0,
  );
  const touchedPayouts = [...payouts.values()].filter((p) => payoutItems.has(p));
  const activities = [
    ...touchedRows.map((w) => w.activity),
    ...touchedPayouts.map((p) => p.activity),
    ...unknown.values(),
  ];
  const keys = [...new Set(activities.flatMap((activity) => keysToLookUp(activity, recovery)))].filter(
    (key) => !parkedKeys.includes(key),
  );
  const records = [...parkedRecords, ...(keys.length > 0 ? ports.exceptions.lookup(keys) : [])];

  const opened: NewException[] = [];
  const updated: ExceptionUpdate[] = [];
  const summaries = new Map<Item, string[]>();
  for (const activity of activities) {
    const row = touchedRows.find((w) => w.activity === activity) ?? null;
    const payout = touchedPayouts.find((p) => p.activity === activity) ?? null;
    const writes = reconcile(activity, {
      now,
      timeZone: ports.timeZone,
      recovery,
      records,
      actor: findingKeys.get(activity.invoiceKey)?.actor,
    });
    opened.push(...writes.opened);
    updated.push(...writes.updated);
    audit.push(...writes.audit);
    if (row && writes.hint) setHint(row, writes.hint);
    if (payout && writes.hint) setPayoutHint(payout, writes.hint);
    const item =
      row?.lastItem ??
      (payout ? payoutItems.get(payout) : null) ??
      lastParkedItem(items, activity.invoiceKey);
    if (item && writes.summary.length > 0)
      summaries.set(item, [...(summaries.get(item) ?? []), ...writes.summary]);
  }

  for (const change of checked.changes) {
    const writes = reviewWrites(change, now);
    updated.push(writes.update);
    audit.push(...writes.audit);
  }
  const ledgerWrites = rowWrites(working);
  for (const write of ledgerWrites) {
    if (write.key === undefined && write.customer === undefined) continue;
    const claim = items.find((i) => i.claim && i.row?.record === write.record)?.claim;
    const entry = {
      at: now,
      actor: claim?.actor ?? SYSTEM_ACTOR,
      action: 'review_match',
      target: `Ledger:${write.key ?? write.record.invoiceId}`,
      evidence: claim?.exceptionId ?? write.key ?? write.record.invoiceId,
    };
    if (write.key !== undefined) audit.push({ ...entry, field: LEDGER_KEY, before: '', after: write.key });
    if (write.customer !== undefined) {
      const before = write.record.customer ?? '';
      audit.push({ ...entry, field: LEDGER_CUSTOMER_COLUMN, before, after: write.customer });
    }
  }
  const payoutRowWrites = payoutWrites(payouts);
  const findingOutcomes = findings.map((finding) => findingOutcome(finding, opened, records));
  const hasEffects =
    ledgerWrites.length + payoutRowWrites.length + opened.length + updated.length + audit.length > 0;
  const auditRows = recovery ? missingAudit(ports, audit) : audit;
  const logWrites = finalLogRows(items, summaries);
  const releaseRows = new Set(items.filter((i) => i.release !== undefined).map((i) => i.delivery.logRow));
  let recorded = false;
  try {
    // Rows first, so that a stop anywhere after this leaves every delivery recoverable: new deliveries get a row now
    // (as `queued`, the change still to come), or, a lone delivery, a place in the journal.
    const { inline, wroteRows } = recordNewDeliveries(ports, items, logWrites, hasEffects, findings, now);
    // Rows written as `queued` are applied by the next drain even if the journal cannot be written.
    recorded = wroteRows;
    if (hasEffects) {
      ports.journal.begin({
        rows: logWrites
          .filter((w) => !inline.some((i) => i.row === w.row) && !releaseRows.has(w.row))
          .map((w) => [w.row, w.entry.result]),
        inline,
        findings: findings.map(journalFinding),
        notes: extra.notes ?? [],
        // With the cells as they were, so that recovery can write the Audit rows of cells already changed.
        reviews: checked.changes.map((change) => ({ ...change.review, before: change.before })),
        ...(releases.length > 0 ? { releases } : {}),
        at: now.getTime(),
      });
    }
    recorded = true;
    if (opened.length + updated.length > 0) ports.exceptions.write(opened, updated);
    if (auditRows.length > 0) ports.audit.append(auditRows);
    if (ledgerWrites.length > 0) ports.ledger.write(ledgerWrites);
    if (payoutRowWrites.length > 0) ports.payouts.write(payoutRowWrites);
    // Before a held payment's row: sync then knows to look for it (a flag left set with nothing held is harmless).
    if (items.some((i) => i.held && i.release === undefined)) ports.log.noteHeld();
    // The log rows are the commit record: a row that says `processed` is a change complete in every sheet.
    if (logWrites.length > 0) ports.log.write(logWrites);
    // Sheet writes are batched by Apps Script: they must land before the journal says the batch is complete.
    ports.flush();
    if (hasEffects) ports.journal.end();
  } catch (error) {
    throw new ApplyInterrupted(errorMessage(error), recorded, error);
  }

  return {
    deliveries: items
      .filter((item) => !item.claim && !item.derived && item.release === undefined)
      .map(outcomeOf),
    reviews: checked.outcomes,
    findings: findingOutcomes,
    releases: items.filter((item) => item.release !== undefined).map(outcomeOf),
    stats: {
      ledgerRows: ledgerWrites.length,
      payoutRows: payoutRowWrites.length,
      exceptionsOpened: opened.length,
      exceptionsUpdated: updated.length,
      auditRows: auditRows.length,
      logRows: logWrites.length,
    },
  };
}

/**
 * Completes the batch a stopped execution left in the journal, if any: its deliveries are read back from their log
 * rows and applied again with every write checked against what is already there.
 */
export function recoverJournal(ports: BooksPorts): ApplyResult | null {
  const entry = ports.journal.read();
  if (!entry) return null;
  const decided = new Map(entry.rows);
  const rows = [...decided.keys(), ...entry.inline.map((i) => i.row)];
  const written = new Map(ports.log.read(rows).map((logged) => [logged.row, logged.entry]));
  const deliveries: Delivery[] = [];
  const toDelivery = (
    row: number,
    logRow: EventLogRow,
    reserved: boolean,
    result: WebhookResult | undefined,
  ) => ({
    payload: logRow.payload,
    receivedAt: logRow.receivedAt,
    source: logRow.source,
    verification: logRow.verification === 'api' ? ('api' as const) : ('valid' as const),
    logRow: reserved ? null : row,
    ...(reserved ? { reservedRow: row } : {}),
    ...(result ? { decided: result } : {}),
  });
  for (const [row, result] of decided) {
    const logRow = written.get(row);
    // A row already showing its result was the batch's last write for it: that delivery is complete.
    if (logRow?.result !== 'queued') continue;
    deliveries.push(toDelivery(row, logRow, false, result));
  }
  for (const { row, entry: logRow } of entry.inline) {
    if (written.has(row)) continue;
    deliveries.push(toDelivery(row, logRow, true, logRow.result));
  }
  const findings: Finding[] = entry.findings.map((finding) => ({
    draft: {
      reason: finding.reason,
      invoiceKey: finding.invoiceKey,
      cause: finding.cause,
      eventId: finding.eventId,
      amount: finding.amount,
      currency: finding.currency,
      note: finding.note,
    },
    actor: finding.actor,
  }));
  // The journal is JSON: the times in it come back as text.
  const reviews = entry.reviews.map((review) => ({
    ...review,
    ...(review.action.kind === 'snooze'
      ? { action: { ...review.action, until: new Date(review.action.until as unknown as string) } }
      : {}),
    ...(review.before ? { before: withTimes(review.before) } : {}),
  }));
  const result = applyChanges(
    ports,
    deliveries,
    { findings, notes: entry.notes, reviews, releases: entry.releases ?? [] },
    { recovery: true, ...(entry.at > 0 ? { at: new Date(entry.at) } : {}) },
  );
  // A batch that turns out to have nothing left to write has no journal of its own to clear.
  ports.flush();
  ports.journal.end();
  return result;
}

const TIME_CELLS = new Set(['Resolved At', 'Snoozed Until']);

function withTimes(cells: Record<string, CellValue>): Record<string, CellValue> {
  return Object.fromEntries(
    Object.entries(cells).map(([name, value]) => [
      name,
      TIME_CELLS.has(name) && typeof value === 'string' && value !== '' ? new Date(value) : value,
    ]),
  );
}

function classify(delivery: Delivery, ports: BooksPorts): Item {
  const item = blankItem(delivery);
  let event: unknown;
  try {
    event = JSON.parse(delivery.payload);
  } catch {
    return settle(item, 'rejected', 'The body is not JSON, so it is not a Stripe event.');
  }
  const thin = readThinEvent(event);
  if (thin) {
    // Known by the snapshot event it stands for, so redeliveries and sync agree on it; logged with its thin body.
    item.eventId = appliedEventId(thin);
    item.eventType = thin.type;
    if (!thin.v1Type || !isNormalisedType(thin.v1Type)) {
      item.message = `Stripe thin event type ${thin.type} is not used by the ledger.`;
      return item;
    }
    const full = ports.events.fullEvent(thin);
    item.asked = true;
    if (full.kind !== 'found') return settle(item, 'error', full.message);
    try {
      event = JSON.parse(full.payload);
    } catch {
      return settle(item, 'error', `Stripe's answer for ${item.eventId} was not an event.`);
    }
  }
  const normalised = normaliseEvent(event);
  if (normalised.kind === 'malformed') return settle(item, 'rejected', normalised.message);
  if (normalised.kind === 'ignored') {
    item.eventId ??= normalised.eventId;
    item.eventType ??= normalised.eventType;
    item.message = normalised.reason;
    return item;
  }
  if (thin && normalised.fact.eventId !== item.eventId) {
    return settle(
      item,
      'error',
      `Stripe answered ${normalised.fact.eventId} for ${item.eventId}; not applied.`,
    );
  }
  item.eventId = normalised.fact.eventId;
  item.eventType ??= normalised.fact.eventType;
  if (normalised.kind === 'payout') item.payout = normalised.fact;
  else item.fact = normalised.fact;
  return item;
}

/** Held payments' rows, read back for sync's decision after the grace window. */
function releasedItems(ports: BooksPorts, rows: number[]): Item[] {
  if (rows.length === 0) return [];
  const items: Item[] = [];
  for (const { row, entry } of ports.log.read(rows)) {
    const item = classify(
      {
        payload: entry.payload,
        receivedAt: entry.receivedAt,
        source: entry.source,
        verification: entry.verification === 'api' ? 'api' : 'valid',
        logRow: row,
      },
      ports,
    );
    item.release = entry.message;
    if (item.fact?.kind === 'receipt') items.push(item);
  }
  return items;
}

/** A payout's balance transactions, one settlement per payment, bound for the rows that hold those payments. */
function payoutSettlements(items: Item[]): Item[] {
  const derived: Item[] = [];
  for (const item of items) {
    if (!item.payout || item.result !== null) continue;
    for (const fact of settlementsOfPayout(item.payout)) {
      derived.push({ ...blankItem(item.delivery), eventId: fact.eventId, fact, derived: true });
    }
  }
  return derived;
}

function blankItem(delivery: Delivery): Item {
  return {
    delivery,
    eventId: null,
    eventType: null,
    fact: null,
    result: null,
    message: '',
    row: null,
    parkedKey: null,
    parkReason: 'UNKNOWN_INVOICE',
    payout: null,
    payoutRow: null,
    complete: false,
    asked: false,
  };
}

/** Each payout event's row of `Payouts` (a new one for a payout the sheet does not list yet). */
function locatePayouts(ports: BooksPorts, items: Item[]): Map<string, PayoutWorking> {
  const pending = items.filter((i) => i.payout && i.result === null);
  if (pending.length > 0 && !ports.payouts.ready()) {
    for (const item of pending) {
      settle(item, 'ignored', 'No Payouts sheet: run Stripe Ledger → Set up ledger to keep payouts.');
    }
    return new Map();
  }
  const workings = payoutWorkings(
    ports,
    pending.map((i) => (i.payout as PayoutFact).payoutId),
  );
  for (const item of pending) item.payoutRow = workings.get((item.payout as PayoutFact).payoutId) ?? null;
  return workings;
}

/** Held payments that are not repeats are answered: logged, with what they wait for. */
function settleHeld(items: Item[]): void {
  for (const item of items) {
    if (!item.held || item.result !== null) continue;
    const fact = item.fact as ReceiptFact;
    settle(item, 'processed', holdMessage(fact.paymentId, fact.amount, item.held));
  }
}

/**
 * A payment landing on a row from a webhook brings its fee: one expanded read of its balance transaction, when the
 * delivery has not asked Stripe anything else and the row does not know it yet. Stripe unreachable fails the delivery
 * (Stripe retries it), so a row never depends on whether a read happened to work; sync's payments get their fees
 * from their payouts instead, in batches.
 */
function readFees(ports: BooksPorts, items: Item[]): void {
  let reads = 0;
  const added: Item[] = [];
  for (const item of inStripeOrder(items.filter((i) => i.fact && i.row && i.result === null))) {
    if (reads >= FEE_READS_PER_BATCH) break;
    if (
      item.delivery.source !== 'webhook' ||
      item.asked ||
      item.claim ||
      item.release !== undefined ||
      item.derived
    )
      continue;
    const fact = item.fact as StripeFact;
    const target = feeTarget(fact);
    const row = item.row as Working;
    if (!target || row.view.state?.settlements?.[target.paymentId]) continue;
    if (added.some((a) => (a.fact as StripeFact).paymentId === target.paymentId && a.row === row)) continue;
    reads += 1;
    item.asked = true;
    const read = ports.balances.settlementOf(target);
    if (read.kind === 'unavailable') {
      settle(
        item,
        'error',
        `Could not read Stripe's fee for ${target.paymentId}, so ${fact.eventId} was not applied; Stripe will retry: ${read.message}`,
      );
      continue;
    }
    if (read.kind !== 'found') continue;
    const settlement = settlementFromRead(fact, target.paymentId, read);
    added.push({
      ...blankItem(item.delivery),
      eventId: settlement.eventId,
      fact: settlement,
      row,
      derived: true,
    });
  }
  items.push(...added);
}

function settle(item: Item, result: WebhookResult, message: string): Item {
  item.result = result;
  item.message = message;
  return item;
}

/** The same event twice in one batch: the first (in recovery, the one that applied it) applies, the others repeat. */
function markBatchDuplicates(items: Item[]): void {
  const primary = new Map<string, Item>();
  const ordered = [...items].sort(
    (a, b) => Number(b.delivery.decided === 'processed') - Number(a.delivery.decided === 'processed'),
  );
  for (const item of ordered) {
    if (!item.eventId || item.result !== null) continue;
    const first = primary.get(item.eventId);
    if (!first) {
      primary.set(item.eventId, item);
      continue;
    }
    settle(item, 'duplicate', `${item.eventId} was received before; nothing changed.`);
  }
}

function paymentKeys(fact: StripeFact): string[] {
  const keys = [fact.paymentId, fact.chargeId].filter((id): id is string => Boolean(id));
  return [...new Set(keys)];
}

/** The ids a row may list a fact's payment under: money received is listed by its payment intent (else charge). */
function rowKeys(fact: StripeFact): string[] {
  return fact.kind === 'receipt' ? [fact.paymentId] : paymentKeys(fact);
}

/**
 * Finds each fact's row: by invoice id; a `basil`+ charge or payment intent without one through the stored payment
 * ids, then through Stripe. Stripe unreachable fails the delivery (Stripe retries it); only Stripe's definite "no
 * invoice" parks it. Money received (a receipt) with no invoice known is parked only on Stripe's word that it has
 * none (a Checkout session that created none, or sync's decision after the grace window); until then it is held.
 */
function locateRows(ports: BooksPorts, items: Item[], options: ApplyOptions): Map<string, Working> {
  const working = new Map<string, Working>();
  const pending = items.filter((item) => item.fact && item.result === null);
  if (pending.length === 0) return working;
  // What the log says about held payments being decided: the events Stripe sent about them since.
  const said = loggedEvidence(
    ports,
    pending.filter((item) => item.release !== undefined),
  );
  const invoiceIds = new Set<string>(said.named.values());
  const paymentIds = new Set<string>();
  for (const item of pending) {
    const fact = item.fact as StripeFact;
    if (item.claim) {
      if (!('rowNumber' in item.claim.target)) invoiceIds.add(item.claim.target.invoiceId);
      continue;
    }
    if (fact.invoiceId) invoiceIds.add(fact.invoiceId);
    else for (const key of rowKeys(fact)) paymentIds.add(key);
    if (fact.kind === 'receipt' && fact.reference) invoiceIds.add(fact.reference);
  }
  // A payment the batch itself names for an invoice (the payment, then its dispute, in one synced page), or that a
  // Checkout session in the batch says has none.
  const named = new Map<string, string>(said.named);
  const invoiceless = new Set<string>(said.invoiceless);
  for (const item of pending) {
    const fact = item.fact as StripeFact;
    if (fact.invoiceId && !item.claim)
      for (const key of paymentKeys(fact)) if (!named.has(key)) named.set(key, fact.invoiceId);
    if (fact.kind === 'receipt' && fact.invoiceless) invoiceless.add(fact.paymentId);
  }
  for (const key of named.keys()) paymentIds.delete(key);
  const index = ports.ledger.find([...invoiceIds], [...paymentIds]);
  const linked = new Map<Item, string>();
  const unplaced: Item[] = [];
  let failed = false;
  for (const item of inStripeOrder(pending)) {
    const fact = item.fact as StripeFact;
    if (item.claim) {
      claimRow(ports, index, working, item);
      continue;
    }
    if (failed && options.stopAtFirstError) {
      settle(item, 'error', notAppliedAfterFailure());
      continue;
    }
    if (fact.invoiceId) {
      const record = index.byInvoice(fact.invoiceId);
      if (record) item.row = workingRow(working, record);
      else park(item, 'UNKNOWN_INVOICE', fact.invoiceId);
      continue;
    }
    // The payer's side named the ledger row (a Checkout session's client_reference_id, or metadata).
    const referenced = fact.kind === 'receipt' && fact.reference ? index.byInvoice(fact.reference) : null;
    if (referenced) {
      item.fact = { ...fact, invoiceId: referenced.invoiceId };
      item.row = workingRow(working, referenced);
      continue;
    }
    const batchInvoice = paymentKeys(fact)
      .map((key) => named.get(key))
      .find((id): id is string => id !== undefined);
    if (batchInvoice) {
      item.fact = { ...fact, invoiceId: batchInvoice };
      const record = index.byInvoice(batchInvoice);
      if (record) item.row = workingRow(working, record);
      else park(item, 'UNKNOWN_INVOICE', batchInvoice);
      continue;
    }
    let byPayment: LedgerRecord | null = null;
    for (const key of rowKeys(fact)) {
      byPayment = index.byPayment(key);
      if (byPayment) break;
    }
    if (byPayment) {
      item.row = workingRow(working, byPayment);
      continue;
    }
    if (item.derived) {
      // A payment no row holds (money that belongs to no invoice, or to an invoice the ledger does not list).
      settle(item, 'ignored', `No ledger row holds ${fact.paymentId}.`);
      continue;
    }
    if (fact.kind === 'receipt') {
      unplaced.push(item);
      continue;
    }
    const link = askStripe(ports, fact);
    if (link.kind === 'unavailable') {
      settle(
        item,
        'error',
        `Could not ask Stripe which invoice ${fact.chargeId ?? fact.paymentId} paid, so ${fact.eventId} was not applied; Stripe will retry: ${link.message}`,
      );
      failed = true;
    } else if (link.kind === 'invoice') {
      linked.set(item, link.invoiceId);
    } else {
      park(item, 'UNKNOWN_INVOICE', fact.paymentId ?? fact.chargeId ?? fact.eventId);
    }
  }
  // Money received that nothing here ties to an invoice: Stripe is asked first (a webhook's one question), then the
  // rest look for the payment's exception (its Checkout session may have said already that it has no invoice).
  const undecided: [Item, HoldWhy][] = [];
  for (const item of unplaced) {
    if (failed && options.stopAtFirstError) {
      settle(item, 'error', notAppliedAfterFailure());
      continue;
    }
    const outcome = placeReceipt(ports, item, item.fact as ReceiptFact, invoiceless);
    if (outcome === 'failed') failed = true;
    else if (outcome === 'placed') continue;
    else if (typeof outcome === 'string' && outcome.startsWith('invoice:'))
      linked.set(item, outcome.slice(8));
    else undecided.push([item, outcome as HoldWhy]);
  }
  if (undecided.length > 0) {
    const keys = undecided.map(([item]) =>
      openKey('UNMATCHED_PAYMENT', (item.fact as ReceiptFact).paymentId),
    );
    const known = new Set(
      ports.exceptions.lookup([...new Set(keys)]).map((r) => r.openKey.slice('UNMATCHED_PAYMENT:'.length)),
    );
    for (const [item, why] of undecided) {
      const paymentId = (item.fact as ReceiptFact).paymentId;
      if (known.has(paymentId) || item.release !== undefined) park(item, 'UNMATCHED_PAYMENT', paymentId);
      else item.held = why;
    }
  }
  if (linked.size > 0) {
    const second = ports.ledger.find([...new Set(linked.values())], []);
    for (const [item, invoiceId] of linked) {
      const record = working.get(invoiceId)?.record ?? second.byInvoice(invoiceId);
      item.fact = { ...(item.fact as StripeFact), invoiceId };
      if (record) item.row = workingRow(working, record);
      else park(item, 'UNKNOWN_INVOICE', invoiceId);
    }
  }
  return working;
}

function park(item: Item, reason: ParkReason, key: string): void {
  item.parkReason = reason;
  item.parkedKey = key;
}

/**
 * Money received that nothing in the batch or the ledger ties to an invoice. A Checkout session that created no
 * invoice is Stripe's word: UNMATCHED_PAYMENT at once. A charge or payment intent from a webhook (or being decided by
 * sync) asks Stripe's invoice_payments once; found, it goes to that invoice. Otherwise it stays undecided: it joins
 * its payment's UNMATCHED_PAYMENT if there is one, else it is held (a session naming its row, or the invoice payment
 * naming it, may still come) until sync decides: then, with nothing linking it, UNMATCHED_PAYMENT.
 * Returns `invoice:<id>` when Stripe named one, 'placed' when settled here, 'failed' when Stripe could not be asked,
 * else why it is undecided.
 */
function placeReceipt(
  ports: BooksPorts,
  item: Item,
  fact: ReceiptFact,
  invoiceless: ReadonlySet<string>,
): `invoice:${string}` | 'placed' | 'failed' | HoldWhy {
  if (fact.amount.minor === 0 && item.release === undefined) {
    // A Checkout session still waiting for its bank debit: no money yet, only its word (logged, for sync to read).
    item.fact = null;
    item.message = `${fact.paymentId} is not paid yet (${fact.eventType}): the payment's own success event brings the money.`;
    return 'placed';
  }
  if (fact.invoiceless || invoiceless.has(fact.paymentId)) {
    park(item, 'UNMATCHED_PAYMENT', fact.paymentId);
    return 'placed';
  }
  const mayAsk = !item.asked && (item.release !== undefined || item.delivery.source === 'webhook');
  if (!mayAsk) return 'sync';
  item.asked = true;
  const link = ports.paymentLinks.invoiceForPayment(fact.paymentId);
  if (link.kind === 'unavailable') {
    settle(
      item,
      'error',
      `Could not ask Stripe which invoice ${fact.paymentId} paid, so ${fact.eventId} was not applied; Stripe will retry: ${link.message}`,
    );
    return 'failed';
  }
  if (link.kind === 'invoice') return `invoice:${link.invoiceId}`;
  return link.kind === 'unasked' ? 'no-key' : 'stripe-none';
}

/**
 * For held payments being decided: which invoice (or none) the events logged since say they belong to. One look in
 * the log for every payment id, whatever the batch's size.
 */
function loggedEvidence(
  ports: BooksPorts,
  releases: Item[],
): { named: Map<string, string>; invoiceless: Set<string> } {
  const named = new Map<string, string>();
  const invoiceless = new Set<string>();
  const ids = [...new Set(releases.flatMap((item) => paymentKeys(item.fact as StripeFact)))];
  if (ids.length === 0) return { named, invoiceless };
  for (const { entry } of ports.log.mentioning(ids)) {
    let event: unknown;
    try {
      event = JSON.parse(entry.payload);
    } catch {
      continue;
    }
    const normalised = normaliseEvent(event);
    if (normalised.kind !== 'fact') continue;
    const fact = normalised.fact;
    const keys = paymentKeys(fact).filter((key) => ids.includes(key));
    for (const key of keys) {
      if (fact.invoiceId && !named.has(key)) named.set(key, fact.invoiceId);
      if (fact.kind === 'receipt' && fact.invoiceless) invoiceless.add(key);
    }
  }
  return { named, invoiceless };
}

/** A claimed event goes to the row the reviewer chose (or that now has its invoice), as that invoice's fact. */
function claimRow(ports: BooksPorts, index: RowIndex, working: Map<string, Working>, item: Item): void {
  const claim = item.claim as NonNullable<Item['claim']>;
  const target = claim.target;
  const invoiceId = target.invoiceId;
  item.fact = { ...(item.fact as StripeFact), invoiceId };
  const known = working.get(invoiceId)?.record;
  const record =
    known ?? ('rowNumber' in target ? ports.ledger.atRow(target.rowNumber) : index.byInvoice(invoiceId));
  if (!record || (record.invoiceId !== '' && record.invoiceId !== invoiceId)) {
    settle(item, 'error', `The row chosen for ${invoiceId} is no longer there; nothing was matched.`);
    return;
  }
  const row = workingRow(working, record.invoiceId === '' ? { ...record, invoiceId } : record);
  if (record.invoiceId === '') row.key = invoiceId;
  if (claim.customer && claim.customer !== (record.customer ?? '')) row.customer = claim.customer;
  item.row = row;
}

/**
 * A reviewer's match settles the exception only when its events reach the chosen row: a row that is gone or has
 * another invoice by now, or events no longer in the log, leave the exception as it was, with the reason.
 */
function refuseUnplacedMatches(
  items: Item[],
  checked: { changes: ReviewChange[]; outcomes: ReviewOutcome[] },
  recovery: boolean,
): void {
  for (const change of [...checked.changes]) {
    if (change.review.action.kind !== 'match') continue;
    const id = change.record.exceptionId;
    const claimed = items.filter((item) => item.claim?.exceptionId === id);
    const failed = claimed.find((item) => item.result === 'error');
    const problem = failed
      ? failed.message
      : claimed.length === 0 && !recovery
        ? `The events of ${id} are not in Stripe Events any more, so there is nothing to bring to the row; nothing was matched.`
        : null;
    if (problem === null) continue;
    for (const item of claimed) settle(item, 'error', problem);
    checked.changes.splice(checked.changes.indexOf(change), 1);
    const outcome = checked.outcomes.find((o) => o.exceptionId === id && o.result === 'applied');
    if (outcome) Object.assign(outcome, { result: 'refused', message: problem });
  }
}

/** The parked events of each match, read back from the log, as items bound for the chosen row. */
function claimedEvents(ports: BooksPorts, changes: ReviewChange[]): Item[] {
  const matches = changes.filter((c) => c.review.action.kind === 'match');
  if (matches.length === 0) return [];
  const logged = ports.log.findEvents([...new Set(matches.flatMap((c) => c.record.eventIds))]);
  const items: Item[] = [];
  for (const change of matches) {
    const action = change.review.action as Extract<Review['action'], { kind: 'match' }>;
    for (const eventId of change.record.eventIds) {
      const found = logged.find((l) => l.entry.eventId === eventId);
      if (!found) continue;
      const item = classify(
        {
          payload: found.entry.payload,
          receivedAt: found.entry.receivedAt,
          source: found.entry.source,
          verification: found.entry.verification === 'api' ? 'api' : 'valid',
          logRow: found.row,
        },
        ports,
      );
      if (!item.fact) continue;
      item.claim = {
        target: action.target,
        actor: change.review.actor,
        exceptionId: change.record.exceptionId,
        ...(action.customer ? { customer: action.customer } : {}),
      };
      items.push(item);
    }
  }
  return items;
}

function askStripe(
  ports: BooksPorts,
  fact: StripeFact,
): ReturnType<BooksPorts['paymentLinks']['invoiceForPayment']> {
  let last: ReturnType<BooksPorts['paymentLinks']['invoiceForPayment']> = {
    kind: 'none',
    why: 'no payment id',
  };
  for (const key of paymentKeys(fact)) {
    last = ports.paymentLinks.invoiceForPayment(key);
    if (last.kind !== 'none') return last;
  }
  return last;
}

function workingRow(working: Map<string, Working>, record: LedgerRecord): Working {
  const known = working.get(record.invoiceId);
  if (known) return known;
  const stored = record.state;
  const view: LedgerRowView = { ...record, cells: { ...record.cells }, state: stored };
  const wanted = stored ? wantedExceptions(stored, termsOf(view, stored)) : new Map();
  const activity = newActivity(record.invoiceId, { ...(stored?.raised ?? {}) });
  activity.wanted = new Map(wanted);
  const w: Working = { record, view, stored, wanted, changes: new Map(), activity, lastItem: null };
  working.set(record.invoiceId, w);
  return w;
}

function termsOf(view: LedgerRowView, state: InvoiceState) {
  const currency = view.currency ?? state.currency ?? 'USD';
  return {
    expectedMinor: expectedInMinor(view.expectedAmount, currency),
    rowCurrency: view.currency,
    currency,
  };
}

/**
 * Already applied? A fact with a row asks the row's own index (its state); an event without a row, or an ignored
 * type, asks the log. In recovery a delivery the stopped batch had applied is completed, not answered duplicate.
 */
function dedupe(ports: BooksPorts, items: Item[], recovery: boolean, parkedRecords: ExceptionRecord[]): void {
  const askLog: Item[] = [];
  for (const item of items) {
    if (item.result !== null || !item.eventId) continue;
    const decided = item.delivery.decided;
    if (recovery && decided && decided !== 'queued' && decided !== 'error') {
      if (decided !== 'processed') {
        settle(item, decided, item.message || `${item.eventId} was ${decided}.`);
        item.complete = true;
        continue;
      }
      // Its row was written, and the row is written after everything else the event causes.
      if (
        (item.row && hasSeen(item.row.stored, item.eventId)) ||
        (item.payoutRow && payoutSeen(item.payoutRow.stored, item.eventId))
      ) {
        settle(
          item,
          'processed',
          `${item.eventId} was applied; its log row was completed after an interruption.`,
        );
        item.complete = true;
      }
      if (item.row || item.payoutRow || !item.parkedKey) continue;
    }
    if (item.row) {
      if (hasSeen(item.row.stored, item.eventId)) {
        settle(item, 'duplicate', `${item.eventId} was received before; nothing changed.`);
      }
      continue;
    }
    if (item.payoutRow) {
      if (payoutSeen(item.payoutRow.stored, item.eventId)) {
        settle(item, 'duplicate', `${item.eventId} was received before; nothing changed.`);
      }
      continue;
    }
    if (item.parkedKey) {
      const key = openKey(item.parkReason, item.parkedKey);
      const listed = parkedRecords.some(
        (r) => r.openKey === key && r.eventIds.includes(item.eventId as string),
      );
      if (listed && !recovery)
        settle(item, 'duplicate', `${item.eventId} was received before; nothing changed.`);
      continue;
    }
    askLog.push(item);
  }
  if (askLog.length === 0) return;
  const batchRows = items
    .flatMap((item) => [item.delivery.logRow, item.delivery.reservedRow])
    .filter((row): row is number => row !== null && row !== undefined);
  const seen = ports.log.alreadyLogged(
    askLog.map((item) => item.eventId as string),
    batchRows,
  );
  for (const item of askLog) {
    if (seen.has(item.eventId as string)) {
      settle(item, 'duplicate', `${item.eventId} was received before; nothing changed.`);
    } else if (!item.fact) {
      settle(item, 'ignored', item.message);
    }
  }
}

function decideInOrder(
  ports: BooksPorts,
  items: Item[],
  unknown: Map<string, KeyActivity>,
  audit: AuditEntry[],
  options: ApplyOptions,
  payoutItems: Map<PayoutWorking, Item>,
): void {
  let failed = items.some((item) => item.result === 'error' && !item.derived);
  for (const item of inStripeOrder(items.filter((i) => (i.fact || i.payout) && i.result === null))) {
    if (failed && options.stopAtFirstError) {
      settle(item, 'error', notAppliedAfterFailure());
      continue;
    }
    if (item.payout) {
      const payoutRow = item.payoutRow as PayoutWorking;
      const decision = decidePayout(payoutRow, item.payout, ports.clock.now());
      if (decision.alreadyApplied) {
        settle(item, 'duplicate', decision.message);
        continue;
      }
      audit.push(...decision.audit);
      payoutItems.set(payoutRow, item);
      settle(item, 'processed', decision.message);
      continue;
    }
    const fact = item.fact as StripeFact;
    const event: TouchedBy = { eventId: fact.eventId, at: fact.created };
    const row = item.row;
    if (!row) {
      const key = item.parkedKey ?? fact.eventId;
      const activity = unknown.get(key) ?? newActivity(key, null);
      unknown.set(key, activity);
      const money = representativeMoney(fact);
      const unmatched = item.parkReason === 'UNMATCHED_PAYMENT';
      recordEventException(
        activity,
        unmatched
          ? {
              reason: 'UNMATCHED_PAYMENT',
              // One per payment, whichever of its events comes first: the others gather on it as evidence.
              cause: `payment:${key}`,
              money,
              note: unmatchedNote(fact, key, money),
            }
          : {
              reason: 'UNKNOWN_INVOICE',
              // Each event is its own cause: while one is open they gather on it; once a reviewer has settled it, a
              // new event about the same unknown invoice is news and opens another.
              cause: `event:${fact.eventId}`,
              money,
              note: `Stripe reported ${fact.eventType} for ${key} (${formatMoney(money)}), which matches no row of the Ledger: add the invoice as a row or match it in Review exceptions.`,
            },
        event,
      );
      settle(
        item,
        'processed',
        unmatched
          ? `${key} belongs to no invoice: ${fact.eventType} is kept in UNMATCHED_PAYMENT until a row claims it.`
          : `No Ledger row for ${key}: ${fact.eventType} is kept in UNKNOWN_INVOICE until a row claims it.`,
      );
      continue;
    }
    const decision = decide(row.view, fact, { timeZone: ports.timeZone });
    if (decision.alreadyApplied) {
      settle(item, 'duplicate', decision.message);
      continue;
    }
    try {
      const at = ports.clock.now();
      for (const change of decision.changes) {
        row.view.cells[change.field] = change.after;
        const first = row.changes.get(change.field);
        row.changes.set(change.field, {
          field: change.field,
          before: first ? first.before : change.before,
          after: change.after,
        });
        audit.push({
          at,
          actor: SYSTEM_ACTOR,
          action: 'update',
          target: `Ledger:${row.view.invoiceId}`,
          field: change.field,
          before: change.before,
          after: change.after,
          evidence: fact.eventId,
        });
      }
      const terms = {
        expectedMinor: decision.expectedMinor,
        rowCurrency: row.view.currency,
        currency: decision.currency,
      };
      const after = decision.state === row.view.state ? row.wanted : wantedExceptions(decision.state, terms);
      row.view.state = decision.state;
      recordTransition(row.activity, row.wanted, after, event);
      for (const raised of decision.eventExceptions) recordEventException(row.activity, raised, event);
      row.wanted = after;
      if (!item.derived) row.lastItem = item;
      settle(item, 'processed', decision.message);
    } catch (error) {
      settle(item, 'error', `Applying ${fact.eventId} failed: ${errorMessage(error)}`);
      failed = true;
    }
  }
}

/** What a reviewer needs to place money that belongs to no invoice: how much, from whom, and what it named. */
function unmatchedNote(fact: StripeFact, key: string, money: ReturnType<typeof representativeMoney>): string {
  const receipt = fact.kind === 'receipt' ? fact : null;
  const from = receipt?.payer ? ` from ${receipt.payer}` : '';
  const named = receipt?.reference ? `; it names "${receipt.reference}", which no ledger row has` : '';
  return `Stripe received ${formatMoney(money)}${from} (${key}) that belongs to no invoice${named}: add the row it pays for and match it in Review exceptions, or settle it as not ours.`;
}

function addFindings(
  findings: Finding[],
  working: Map<string, Working>,
  unknown: Map<string, KeyActivity>,
  now: Date,
): Map<string, Finding> {
  const byKey = new Map<string, Finding>();
  for (const finding of findings) {
    const key = finding.draft.invoiceKey;
    const activity = working.get(key)?.activity ?? unknown.get(key) ?? newActivity(key, null);
    if (!working.has(key)) unknown.set(key, activity);
    const { draft } = finding;
    recordEventException(
      activity,
      {
        reason: draft.reason,
        cause: draft.cause,
        money:
          draft.amount === null || draft.currency === null
            ? null
            : { minor: majorToMinor(draft.amount, draft.currency), currency: draft.currency },
        note: draft.note,
      },
      { eventId: draft.eventId, at: Math.floor(now.getTime() / 1000) },
    );
    byKey.set(key, finding);
  }
  return byKey;
}

function setHint(row: Working, hint: Record<string, RaisedCause>): void {
  const state = row.view.state ?? emptyState(row.view.invoiceId);
  const kept = Object.fromEntries(
    Object.entries(hint).filter(([reason]) => (EVIDENCE_REASONS as readonly string[]).includes(reason)),
  );
  const before = JSON.stringify(sortedEntries(state.raised ?? {}));
  if (before === JSON.stringify(sortedEntries(kept))) return;
  row.view.state = { ...state, raised: kept };
}

function sortedEntries(map: Record<string, RaisedCause>): [string, RaisedCause][] {
  return Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function rowWrites(working: Map<string, Working>): LedgerWrite[] {
  const writes: LedgerWrite[] = [];
  for (const row of working.values()) {
    const state = row.view.state;
    if (!state) continue;
    const stateChanged = row.stored === null || serialiseState(row.stored) !== serialiseState(state);
    const changes = [...row.changes.values()];
    if (!stateChanged && changes.length === 0 && row.key === undefined && row.customer === undefined)
      continue;
    writes.push({
      record: row.record,
      state,
      changes,
      ...(row.key !== undefined ? { key: row.key } : {}),
      ...(row.customer !== undefined ? { customer: row.customer } : {}),
    });
  }
  return writes;
}

/** The final rows of the batch's deliveries; rows still to be reserved carry row 0 until `recordNewDeliveries`. */
function finalLogRows(items: Item[], summaries: Map<Item, string[]>): LogWrite[] {
  const writes: LogWrite[] = [];
  for (const item of items) {
    if (item.claim || item.derived) continue;
    if (item.result === null)
      settle(item, 'error', `${item.eventId ?? 'The delivery'} could not be decided.`);
    const summary = summaries.get(item);
    if (summary) item.message = `${item.message.replace(/\.$/, '')}; ${summary.join('; ')}.`;
    const { delivery } = item;
    if (item.release !== undefined) {
      // Decided: the held row says how, and loses its mark. Not decided (Stripe unreachable): left for next time.
      if (item.result === 'error' || delivery.logRow === null) continue;
      const entry: EventLogRow = {
        receivedAt: delivery.receivedAt,
        source: delivery.source,
        eventId: item.eventId,
        eventType: item.eventType,
        verification: delivery.verification,
        result: 'processed',
        message: releasedMessage(item.release, item.message),
        payload: delivery.payload,
      };
      writes.push({ row: delivery.logRow, entry, resultOnly: true });
      continue;
    }
    // A recorded delivery was answered `queued` (Stripe will not retry it): one that cannot be applied now stays
    // queued for the next holder of the lock, instead of ending as an error nobody retries.
    if (delivery.logRow !== null && item.result === 'error' && delivery.source === 'webhook') {
      item.result = 'queued';
      item.message = `Waiting: ${item.message}`;
    }
    const entry: EventLogRow = {
      receivedAt: delivery.receivedAt,
      source: delivery.source,
      eventId: item.result === 'rejected' ? null : item.eventId,
      eventType: item.eventType,
      verification: delivery.verification,
      result: item.result as WebhookResult,
      message: item.message,
      payload: delivery.payload,
    };
    if (delivery.logRow !== null) {
      writes.push({ row: delivery.logRow, entry, resultOnly: true });
      continue;
    }
    if (delivery.reservedRow !== undefined) {
      writes.push({ row: delivery.reservedRow, entry, resultOnly: false });
      continue;
    }
    // Sync re-reads what it has already applied: those are not logged again, nor what it leaves for the next run.
    if (
      delivery.source === 'sync' &&
      (item.result === 'duplicate' || item.message === notAppliedAfterFailure())
    ) {
      continue;
    }
    writes.push({ row: 0, entry, resultOnly: false });
    item.pendingRow = writes[writes.length - 1] as LogWrite;
  }
  return writes;
}

/**
 * Reserves rows for deliveries that have none. When the batch changes the books, each must be recoverable before the
 * first change is written: a lone webhook delivery rides in the journal whole (its row is written last, once); the
 * others are written now as `queued` and finished in place.
 */
function recordNewDeliveries(
  ports: BooksPorts,
  items: Item[],
  writes: LogWrite[],
  hasEffects: boolean,
  findings: Finding[],
  now: Date,
): { inline: LoggedDelivery[]; wroteRows: boolean } {
  const none = { inline: [], wroteRows: false };
  const fresh = items.filter((item) => item.pendingRow);
  if (fresh.length === 0) return none;
  const first = ports.log.reserve(fresh.length);
  fresh.forEach((item, i) => {
    const write = item.pendingRow as LogWrite;
    write.row = first + i;
    item.delivery = { ...item.delivery, reservedRow: first + i };
  });
  if (!hasEffects) return none;
  const pending = fresh.map((item) => item.pendingRow as LogWrite);
  const inline: LoggedDelivery[] = pending.map((w) => ({ row: w.row, entry: w.entry }));
  const lone = fresh.length === 1 && fresh[0]?.delivery.source === 'webhook';
  if (
    lone &&
    ports.journal.fits({
      rows: writes.filter((w) => !pending.includes(w)).map((w) => [w.row, w.entry.result]),
      inline,
      findings: findings.map(journalFinding),
      notes: [],
      reviews: [],
      at: now.getTime(),
    })
  ) {
    return { inline, wroteRows: false };
  }
  ports.log.write(
    pending.map((w) => ({ row: w.row, entry: { ...w.entry, result: 'queued' }, resultOnly: false })),
  );
  for (const w of pending) w.resultOnly = true;
  return { inline: [], wroteRows: true };
}

function outcomeOf(item: Item): DeliveryOutcome {
  return {
    result: item.result as WebhookResult,
    eventId: item.result === 'rejected' ? null : item.eventId,
    eventType: item.eventType,
    message: item.message,
    logRow: item.delivery.logRow,
  };
}

function findingOutcome(
  finding: Finding,
  opened: NewException[],
  records: ExceptionRecord[],
): FindingOutcome {
  const key = openKey(finding.draft.reason, finding.draft.invoiceKey);
  const made = opened.find(
    (e) => e.reason === finding.draft.reason && e.invoiceKey === finding.draft.invoiceKey,
  );
  if (made) return { exceptionId: made.exceptionId, opened: true };
  const open = records.find((r) => r.openKey === key && (r.status === 'open' || r.status === 'snoozed'));
  return { exceptionId: open?.exceptionId ?? null, opened: false };
}

function journalFinding(finding: Finding): JournalFinding {
  return { ...finding.draft, actor: finding.actor };
}

function missingAudit(ports: BooksPorts, entries: AuditEntry[]): AuditEntry[] {
  if (entries.length === 0) return entries;
  const existing = ports.audit.existingKeys([...new Set(entries.map((entry) => entry.evidence))]);
  return entries.filter((entry) => !existing.has(auditKey(entry)));
}

function lastParkedItem(items: Item[], key: string): Item | null {
  const parked = items.filter((item) => item.parkedKey === key && item.result === 'processed');
  return parked[parked.length - 1] ?? null;
}

/** Oldest first by Stripe time; ties by event id, so any batch of the same events is decided alike. */
function inStripeOrder(items: Item[]): Item[] {
  const stamp = (item: Item) => (item.fact ?? item.payout) as { created: number; eventId: string };
  return [...items].sort((a, b) => {
    const x = stamp(a);
    const y = stamp(b);
    if (x.created !== y.created) return x.created - y.created;
    return x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0;
  });
}

function notAppliedAfterFailure(): string {
  return 'Not applied: an earlier event could not be applied, and events are applied in order; the next run continues.';
}
