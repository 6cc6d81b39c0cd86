// Which ledger rows a payment nobody's row claimed may belong to, best first, each with a score and the reasons a
// bursar would give: the amount against what the row still owes, the payer's e-mail and name against the ledger's
// own columns, the due date, the currency, and whether a reviewer matched this Stripe customer to the same person
// before. Rows a reviewer ruled out for this exception are not offered again.

import type { MatchReason } from '../../shared/review-api';
import type { LedgerPerson } from './ledger-people';
import { editDistance, nameLikeness } from './names';

/** What the exception's evidence says about the money. */
export interface PaymentClues {
  /** Major units, or null when no event carried an amount. */
  amount: number | null;
  currency: string;
  customerId: string;
  customerName: string;
  customerEmail: string;
  /** When it was paid, unix seconds. */
  at: number | null;
}

export interface RankOptions {
  /**
   * `blank`: only rows with a blank `Stripe Invoice ID` (the match writes the invoice id); `keyed`: only rows that
   * have one (a payment that names no invoice is linked to that row's invoice).
   */
  rows: 'blank' | 'keyed';
  /** Fingerprints of rows ruled out for this exception. */
  notMatched: ReadonlySet<string>;
  limit: number;
}

/**
 * Which rows an exception's money may go to: an unknown invoice (`in_…`) to a row whose `Stripe Invoice ID` is blank,
 * which the match fills in; a payment that names no invoice to a row that has one (its money is that invoice's).
 */
export function matchMode(invoiceKey: string): RankOptions['rows'] {
  return invoiceKey.startsWith('in_') ? 'blank' : 'keyed';
}

export interface RankedRow {
  person: LedgerPerson;
  /** 0–100. */
  score: number;
  reasons: MatchReason[];
}

/** Below this a row is not worth a reviewer's look. */
const WORTH_SHOWING = 20;
/** What the person, the learning or the amount must say for a row at least: a shared name, a near amount. */
const TELLING = 10;
const DAY = 86_400;

export function rankCandidates(
  payment: PaymentClues,
  people: readonly LedgerPerson[],
  options: RankOptions,
): RankedRow[] {
  const learned = learnedIdentities(people, payment.customerId);
  // How many of the rows on offer owe each amount: how much an exact amount tells.
  const owing = new Map<string, number>();
  for (const person of people) {
    if (
      (options.rows === 'blank') !== (person.invoiceId === '') ||
      options.notMatched.has(person.fingerprint)
    )
      continue;
    owing.set(owedKey(person), (owing.get(owedKey(person)) ?? 0) + 1);
  }
  const ranked: (RankedRow & { points: number; distance: number })[] = [];
  for (const person of people) {
    if ((options.rows === 'blank') !== (person.invoiceId === '')) continue;
    if (options.notMatched.has(person.fingerprint)) continue;
    const reasons = [
      ...learnedReasons(person, payment.customerId, learned),
      ...emailReasons(person, payment.customerEmail),
      ...nameReasons(person, payment.customerName),
      ...moneyReasons(person, payment, owing.get(owedKey(person)) ?? 1),
      ...dateReasons(person, payment.at),
    ];
    const points = reasons.reduce((sum, reason) => sum + reason.points, 0);
    // The currency and the date only confirm: a row needs the person, the learning or the amount to speak for it.
    const telling = reasons
      .filter((reason) => ['learned', 'email', 'name', 'amount'].includes(reason.kind))
      .reduce((sum, reason) => sum + reason.points, 0);
    if (telling < TELLING || points < WORTH_SHOWING) continue;
    const distance =
      person.due && payment.at !== null ? Math.abs(person.due.getTime() / 1000 - payment.at) : Infinity;
    ranked.push({ person, score: Math.max(0, Math.min(100, Math.round(points))), reasons, points, distance });
  }
  ranked.sort(
    (a, b) => b.points - a.points || a.distance - b.distance || a.person.rowNumber - b.person.rowNumber,
  );
  return ranked.slice(0, options.limit).map(({ person, score, reasons }) => ({ person, score, reasons }));
}

/** The people (by identity) a reviewer matched to this customer before, with one row each as the example. */
function learnedIdentities(people: readonly LedgerPerson[], customerId: string): Map<string, number> {
  const learned = new Map<string, number>();
  if (!customerId) return learned;
  for (const person of people) {
    if (person.customer === customerId && person.identity !== '' && !learned.has(person.identity))
      learned.set(person.identity, person.rowNumber);
  }
  return learned;
}

function learnedReasons(
  person: LedgerPerson,
  customerId: string,
  learned: Map<string, number>,
): MatchReason[] {
  const row = learned.get(person.identity);
  if (row !== undefined) {
    const where = row === person.rowNumber ? 'this row' : `row ${row}, the same person`;
    return [{ kind: 'learned', text: `Matched this customer before (${where})`, points: 45 }];
  }
  if (customerId && person.customer !== '' && person.customer !== customerId) {
    return [
      {
        kind: 'other-customer',
        text: `Paid before by another Stripe customer (${person.customer})`,
        points: -15,
      },
    ];
  }
  return [];
}

function emailReasons(person: LedgerPerson, email: string): MatchReason[] {
  if (!email) return [];
  const wanted = email.toLowerCase();
  if (person.emails.includes(wanted)) return [{ kind: 'email', text: `Same e-mail (${email})`, points: 40 }];
  const [local = '', domain = ''] = wanted.split('@');
  for (const theirs of person.emails) {
    const [otherLocal = '', otherDomain = ''] = theirs.split('@');
    if (domain === otherDomain && local.length >= 4 && editDistance(local, otherLocal, 2) <= 2) {
      return [{ kind: 'email', text: `Nearly the same e-mail (${theirs})`, points: 20 }];
    }
  }
  return [];
}

function nameReasons(person: LedgerPerson, name: string): MatchReason[] {
  if (!name || person.names.length === 0) return [];
  let best = { score: 0, matched: 0, typos: 0, of: 0 };
  let bestName = '';
  for (const theirs of person.names) {
    const likeness = nameLikeness(name, theirs);
    if (likeness.score > best.score) {
      best = likeness;
      bestName = theirs;
    }
  }
  if (best.score === 0) return [];
  if (best.score >= 0.999) return [{ kind: 'name', text: `Same name (${bestName})`, points: 35 }];
  if (best.matched === best.of && best.of >= 2 && best.score >= 0.75) {
    return [
      { kind: 'name', text: `Same name but for a typo (${bestName})`, points: Math.round(35 * best.score) },
    ];
  }
  if (best.matched === 1) {
    // One word in common, typically the family name: a sibling shares it too.
    return [{ kind: 'name', text: `Shares a name (${bestName})`, points: 10 }];
  }
  return [{ kind: 'name', text: `Similar name (${bestName})`, points: Math.round(25 * best.score) }];
}

/**
 * An amount many rows owe says less than one few rows owe: a school's prices repeat. The points fall by ten for every
 * tenfold of rows that owe the same (35 for one, 25 for ten, 15 at most off), and the reason says how many there are.
 */
function rarity(points: number, rows: number): { points: number; others: string } {
  const fallen = Math.min(20, Math.round(10 * Math.log10(Math.max(1, rows))));
  return { points: points - fallen, others: rows > 1 ? `; ${rows} rows owe that` : '' };
}

function moneyReasons(person: LedgerPerson, payment: PaymentClues, sameOwed: number): MatchReason[] {
  const reasons: MatchReason[] = [];
  if (payment.currency && person.currency) {
    if (person.currency !== payment.currency) {
      return [
        {
          kind: 'currency',
          text: `The row is in ${person.currency}, the payment in ${payment.currency}`,
          points: -30,
        },
      ];
    }
    reasons.push({ kind: 'currency', text: `Same currency (${person.currency})`, points: 5 });
  }
  const paid = payment.amount;
  const owed = person.owed;
  if (paid === null || owed === null) return reasons;
  const show = (amount: number) => `${amount.toLocaleString('en-US', { maximumFractionDigits: 3 })}`;
  if (owed <= 0) {
    reasons.push({ kind: 'settled', text: 'The row owes nothing now', points: -25 });
    return reasons;
  }
  const close = (a: number, b: number) => Math.abs(a - b) < 0.0005;
  if (close(paid, owed)) {
    const { points, others } = rarity(35, sameOwed);
    reasons.push({
      kind: 'amount',
      text: `Exactly what the row still owes (${show(owed)}${others})`,
      points,
    });
  } else if (person.total !== null && close(paid, person.total)) {
    reasons.push({
      kind: 'amount',
      text: `The row's full amount (${show(person.total)}; it still owes ${show(owed)})`,
      points: rarity(20, sameOwed).points,
    });
  } else {
    const off = Math.abs(paid - owed) / owed;
    if (off <= 0.02)
      reasons.push({ kind: 'amount', text: `Within 2% of what the row owes (${show(owed)})`, points: 20 });
    else if (off <= 0.1)
      reasons.push({ kind: 'amount', text: `Near what the row owes (${show(owed)})`, points: 10 });
    else if (paid < owed && paid >= owed * 0.1)
      reasons.push({ kind: 'amount', text: `Part of what the row owes (${show(owed)})`, points: 4 });
  }
  return reasons;
}

function owedKey(person: LedgerPerson): string {
  return `${person.currency ?? ''} ${person.owed === null ? '' : person.owed.toFixed(3)}`;
}

function dateReasons(person: LedgerPerson, at: number | null): MatchReason[] {
  if (!person.due || at === null) return [];
  const days = Math.round((at - person.due.getTime() / 1000) / DAY);
  const size = Math.abs(days);
  const count = `${size} ${size === 1 ? 'day' : 'days'}`;
  const when =
    days === 0
      ? 'due the day it was paid'
      : days > 0
        ? `due ${count} before the payment`
        : `due ${count} after the payment`;
  if (size <= 3) return [{ kind: 'date', text: capital(when), points: 10 }];
  if (size <= 14) return [{ kind: 'date', text: capital(when), points: 6 }];
  if (size <= 45) return [{ kind: 'date', text: capital(when), points: 3 }];
  return [];
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
