// reviewDetail: one exception with its evidence (the logged events, as Stripe sent them) and, for money that reached
// no ledger row, the rows it may belong to, ranked. Reads the exception, its log rows, and the Ledger once.

import type { EventLogRow, ExceptionRecord } from '../core/apply/ports';
import { notMatched } from '../core/apply/reviews';
import { type EventEvidence, eventEvidence, evidenceAmount } from '../core/review/evidence';
import { ledgerPeople } from '../core/review/ledger-people';
import { paymentClues } from '../core/review/payment-clues';
import { matchMode, rankCandidates } from '../core/review/rank-candidates';
import { queueEntry } from '../core/review/review-queue';
import { checkDetailRequest } from '../core/review/review-requests';
import { isDateValue } from '../core/sheet-rows';
import type { Candidate, DetailView, Evidence, ReplyOf } from '../shared/review-api';
import { type LedgerContext, ledgerContext } from './context';
import { readLedgerTable } from './ledger-table';
import { identifyReviewer } from './reviewer';

/** Candidates shown; more would not be read. */
const CANDIDATES = 5;
/** Characters of a payload sent to the sidebar; the log row keeps it all. */
const PAYLOAD_SHOWN = 20_000;

export function reviewDetail(raw: unknown): ReplyOf<'reviewDetail'> {
  const request = checkDetailRequest(raw);
  if (!request.ok) return { ok: false, refusal: 'invalid', message: request.message };
  const context = ledgerContext();
  const you = identifyReviewer(context);
  const [record] = context.exceptions.lookupIds([request.value.exceptionId]);
  if (!record) {
    return { ok: false, refusal: 'invalid', message: `There is no exception ${request.value.exceptionId}.` };
  }
  return { ok: true, ...detailOf(context, record, you) };
}

export function detailOf(
  context: LedgerContext,
  record: ExceptionRecord,
  you: DetailView['you'],
): DetailView {
  const item = queueEntry(record, context.clock.now()).item;
  const logged = context.log.findEvents(record.eventIds);
  const evidence = logged.map((entry) => ({ entry, facts: eventEvidence(entry) }));
  const view: DetailView = {
    you,
    item,
    evidence: evidence.map(({ entry, facts }) => evidenceView(facts, entry.entry)),
    candidates: [],
    columns: { names: [], emails: [], dates: [] },
    notMatched: notMatched(record).length,
    matchHelp: null,
  };
  if (!item.matchable) return view;
  const mode = matchMode(item.invoiceKey);
  const ledger = ledgerPeople(readLedgerTable(context.book));
  const header = ledger.header;
  view.columns = {
    names: ledger.columns.names.map((i) => header[i] ?? ''),
    emails: ledger.columns.emails.map((i) => header[i] ?? ''),
    dates: ledger.columns.dates.map((i) => header[i] ?? ''),
  };
  const ranked = rankCandidates(paymentClues(evidence.map(({ facts }) => facts)), ledger.rows, {
    rows: mode,
    notMatched: new Set(notMatched(record)),
    limit: CANDIDATES,
  });
  view.candidates = ranked.map(
    ({ person, score, reasons }): Candidate => ({
      rowNumber: person.rowNumber,
      invoiceId: person.invoiceId,
      label: [...person.names, ...person.emails].join(' · ') || `Row ${person.rowNumber}`,
      detail: [person.detail, person.due ? `due ${person.due.toISOString().slice(0, 10)}` : '']
        .filter(Boolean)
        .join(' · '),
      owed: person.owed,
      currency: person.currency ?? '',
      score,
      reasons,
      fingerprint: person.fingerprint,
    }),
  );
  if (view.candidates.length === 0) {
    view.matchHelp =
      mode === 'blank'
        ? `No ledger row without a Stripe Invoice ID looks like this payment. Add the row, or type ${item.invoiceKey} into its Stripe Invoice ID (the next sync applies the events), or match a row by its number.`
        : 'No ledger row with an invoice looks like this payment. Match a row by its number, or resolve the exception.';
  }
  return view;
}

function evidenceView(facts: EventEvidence, logged: EventLogRow): Evidence {
  const payload = logged.payload;
  return {
    eventId: facts.eventId,
    eventType: facts.eventType,
    amount: evidenceAmount(facts),
    currency: facts.currency,
    customerId: facts.customerId,
    customerName: facts.customerName,
    customerEmail: facts.customerEmail,
    at: facts.created === null ? null : new Date(facts.created * 1000).toISOString(),
    livemode: facts.livemode,
    dashboardUrl: facts.dashboardUrl,
    log: {
      row: facts.logRow,
      receivedAt: isDateValue(logged.receivedAt) ? logged.receivedAt.toISOString() : null,
      source: logged.source,
      verification: logged.verification,
      result: logged.result,
      message: logged.message,
      payload: payload.length > PAYLOAD_SHOWN ? payload.slice(0, PAYLOAD_SHOWN) : payload,
      truncated: payload.length > PAYLOAD_SHOWN,
    },
  };
}
