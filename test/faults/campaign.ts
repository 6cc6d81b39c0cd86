// One fault at every service call of one execution, three ways, then Stripe's redelivery (or the next sync run),
// and the sheets compared with the fault-free run's. docs/FAULTS.md says what is compared and why.

import type { CallHook, ServiceCall } from '../../fakes/gas';
import { RELAY_STATUS, type WebhookResult } from '../../src/core/contract';
import {
  type AllowedLedger,
  APPLIED,
  equal,
  halfWrittenRows,
  isFinalAnswer,
  type LedgerRowView,
  outcomeDifferences,
  type Problem,
  readView,
  rowsByEvent,
  settledLogProblems,
  type View,
} from './checks';
import type { Prepared } from './scenarios';
import { createWorld, type World } from './world';

export type FaultMode = 'throw-once' | 'stop' | 'down-from';
export const FAULT_MODES: readonly FaultMode[] = ['throw-once', 'stop', 'down-from'];

/** Stripe redelivers a failed delivery for days; a sync runs again on its next trigger. Capped here. */
export const MAX_RETRIES = 5;
/** Stripe's first retries come minutes apart; the sync trigger runs every 15 minutes. */
const REDELIVERY_DELAY_MS = 10 * 60_000;
const SYNC_INTERVAL_MS = 15 * 60_000;
const SYNC_TRIGGER_EVENT = { triggerUid: 'fault-test', authMode: 'FULL' };

/** Thrown at a stopped execution's calls: not an Apps Script error, and whatever the execution returns is lost. */
export class ExecutionKilled extends Error {
  constructor(position: number) {
    super(`killed: the execution was stopped at service call ${position} (the 6-minute limit)`);
  }
}

export interface Reference {
  /** `Kind.method` of each service call of the fault-free execution, in order: positions 1..N. */
  calls: string[];
  /** The sheets every run starts from, and those the fault-free run ends with. */
  initial: View;
  final: View;
  allowed: AllowedLedger;
  /** Problems the checks find in the fault-free run itself (should be none: else the checks or the code are off). */
  selfProblems: Problem[];
}

export interface Trial {
  mode: FaultMode;
  position: number;
  /** The call that failed first (`Kind.method`), or null when the execution made fewer calls. */
  call: string | null;
  executions: number;
  problems: Problem[];
}

interface Outcome {
  /** Stripe got a 200 (delivery) / the sync reported success. */
  done: boolean;
  /** The webhook verdict, when one reached Stripe. */
  result: string | null;
  /** The execution was stopped: its answer is lost. */
  killed: boolean;
}

/** The fault-free execution: its calls, its outcome, and the clean states each ledger row may show. */
export function referenceRun(prepared: Prepared): Reference {
  const world = createWorld(prepared.stripe(), { snapshot: prepared.snapshot });
  const initial = readView(world.sheet);
  const calls: string[] = [];
  const problems: Problem[] = [];
  const outcome = execute(world, prepared, (call) => {
    calls.push(`${call.kind}.${call.method}`);
  });
  const final = readView(world.sheet);
  if (!outcome.done)
    problems.push({ kind: 'fault-free run failed', detail: String(outcome.result), halfWritten: false });

  const allowed: AllowedLedger = new Map();
  const allow = (view: View) => {
    for (const [invoice, row] of view.ledger) {
      const list = allowed.get(invoice) ?? [];
      if (!list.some((known) => known.cellsKey === row.cellsKey && known.stateKey === row.stateKey))
        list.push(row);
      allowed.set(invoice, list);
    }
  };
  allow(initial);
  allow(final);
  // A sync also passes through the state after each of its events; what it does after them (held payments decided,
  // payouts reconciled) is one batch per row, ending in the final state.
  if (prepared.kind === 'sync') for (const view of prefixStates(prepared)) allow(view);

  const reference: Reference = { calls, initial, final, allowed, selfProblems: problems };
  // The fault-free run again, through every check a faulty run gets.
  problems.push(...settle(prepared, reference, () => () => {}).problems);
  return reference;
}

/** The calls of one fault-free execution, numbered as the faults number them. */
export function callsOf(prepared: Prepared): string[] {
  const calls: string[] = [];
  execute(createWorld(prepared.stripe(), { snapshot: prepared.snapshot }), prepared, (call) => {
    calls.push(`${call.kind}.${call.method}`);
  });
  return calls;
}

/**
 * The ledger after each prefix of the synced events in Stripe-time order (each delivered alone, fault-free): the
 * clean states a row may show while a sync is part-way. Order does not matter to the ledger (CONTRACT.md "Order"),
 * so any run that applies whole events shows one of these.
 */
function prefixStates(prepared: Prepared): View[] {
  const world = createWorld(prepared.stripe(), { snapshot: prepared.snapshot });
  const views: View[] = [];
  for (const event of prepared.events) {
    world.execute('doPost', world.webhookEvent(JSON.stringify(event, null, 2)));
    views.push(readView(world.sheet));
  }
  return views;
}

/** Runs the scenario's execution once with the fault, then redelivers or reruns until Stripe or the sync is done. */
export function runTrial(prepared: Prepared, reference: Reference, mode: FaultMode, position: number): Trial {
  let fault: Fault | null = null;
  const { executions, problems } = settle(prepared, reference, (world) => {
    fault = faultHook(world, mode, position);
    return fault.hook;
  });
  return { mode, position, call: (fault as Fault | null)?.firstFailure() ?? null, executions, problems };
}

/** The first execution with a hook, then the redeliveries or reruns, every check after each, then the outcome. */
function settle(
  prepared: Prepared,
  reference: Reference,
  hookFor: (world: World) => FaultyHook,
): { executions: number; problems: Problem[] } {
  const world = createWorld(prepared.stripe(), { snapshot: prepared.snapshot });
  const problems: Problem[] = [];
  let view = reference.initial;
  let outcome: Outcome;
  [outcome, view] = observed(world, prepared, reference, problems, view, hookFor(world));
  let executions = 1;
  while (!outcome.done && executions <= MAX_RETRIES) {
    world.advance(prepared.kind === 'sync' ? SYNC_INTERVAL_MS : REDELIVERY_DELAY_MS);
    [outcome, view] = observed(world, prepared, reference, problems, view);
    executions += 1;
  }
  if (!outcome.done)
    problems.push({
      kind: 'never completed',
      detail: `${executions} executions, last ${prepared.kind === 'sync' ? 'sync failed' : `answered ${outcome.result}`}`,
      halfWritten: false,
    });
  problems.push(...outcomeDifferences(view, reference.final), ...settledLogProblems(view, prepared.eventIds));
  return { executions, problems: unique(problems) };
}

function receivedMs(row: Record<string, unknown>): number {
  const at = row['Received At'];
  return at instanceof Date || Object.prototype.toString.call(at) === '[object Date]'
    ? (at as Date).getTime()
    : 0;
}

/** A fault's hook, with what it did to the execution. */
type FaultyHook = CallHook & { killed?: boolean; spreadsheetFailed?: boolean };

/** One execution with the row-level checks after it and the checks of what it answered; returns the sheets after. */
function observed(
  world: World,
  prepared: Prepared,
  reference: Reference,
  problems: Problem[],
  before: View,
  hook?: FaultyHook,
): [Outcome, View] {
  const startedMs = world.nowMs();
  const outcome = execute(world, prepared, hook);
  const after = readView(world.sheet);
  problems.push(...halfWrittenRows(after, reference.allowed));

  const wrong = (kind: string, detail: string) => problems.push({ kind, detail, halfWritten: false });
  if (prepared.kind === 'delivery') {
    // Every request leaves one row but `busy` (CONTRACT.md); a row cannot be asked for while Sheets fails. Rows this
    // execution completed for an earlier, interrupted delivery carry that delivery's time and are not counted.
    const own = (view: View) => view.log.filter((row) => receivedMs(row) >= startedMs).length;
    const added = own(after) - own(before);
    if (added > 1) wrong('one delivery left two rows', `${added} rows added`);
    const excused = outcome.killed || outcome.result === 'busy' || hook?.spreadsheetFailed === true;
    if (added === 0 && !excused) wrong('delivery left no log row', `answered ${outcome.result ?? 'nothing'}`);
  } else {
    const was = rowsByEvent(before);
    for (const [id, count] of rowsByEvent(after))
      if (id !== '' && count - (was.get(id) ?? 0) > 1) wrong('one run logged an event twice', id);
  }

  // The log is the commit record: what it says is applied must be visible, whole.
  const applied = new Set(
    after.log.filter((r) => APPLIED.has(String(r.Result))).map((r) => String(r['Event ID'])),
  );
  const required = [...prepared.eventIds, ...[...prepared.alsoChangedBy.values()].flat()];
  if (required.every((id) => applied.has(id))) {
    const missing = outcomeDifferences(after, reference.final);
    if (missing.length > 0) wrong('log says applied, change incomplete', missing[0]!.detail);
  } else if (prepared.kind === 'sync') {
    for (const [invoice, want] of reference.final.ledger) {
      const events = [
        ...prepared.events.filter((e) => prepared.invoiceOf.get(e.id) === invoice).map((e) => e.id),
        // Events the run itself logs (a payout's balance transactions) that change this row too.
        ...(prepared.alsoChangedBy.get(invoice) ?? []),
      ];
      if (events.length === 0 || !events.every((id) => applied.has(id))) continue;
      const got = after.ledger.get(invoice);
      if (!got || !equal(got.cells, want.cells))
        wrong('log says applied, change incomplete', `Ledger ${invoice}: ${describeRow(got, want)}`);
    }
  }

  // An answer that makes Stripe stop must come after the change is complete.
  if (prepared.kind === 'delivery' && !outcome.killed && isFinalAnswer(outcome.result)) {
    const missing = outcomeDifferences(after, reference.final);
    if (missing.length > 0) wrong(`answered ${outcome.result} before applied`, missing[0]!.detail);
  }
  return [outcome, after];
}

function describeRow(got: LedgerRowView | undefined, want: LedgerRowView): string {
  if (!got) return 'row missing';
  const fields = Object.keys(want.cells).filter((f) => !equal(got.cells[f], want.cells[f]));
  return fields
    .map((f) => `${f} ${JSON.stringify(got.cells[f])} (want ${JSON.stringify(want.cells[f])})`)
    .join(', ');
}

/** One execution of the scenario's entry point, as Stripe (through the relay) or the trigger sees its end. */
function execute(world: World, prepared: Prepared, hook?: FaultyHook): Outcome {
  const remove = hook ? world.fakes.onCall(hook) : () => {};
  let returned: unknown;
  let threw: unknown = null;
  try {
    returned =
      prepared.kind === 'delivery'
        ? world.execute('doPost', world.webhookEvent(prepared.body))
        : world.execute('syncStripe', SYNC_TRIGGER_EVENT);
  } catch (error) {
    threw = error;
  } finally {
    remove();
  }
  const killed = threw instanceof ExecutionKilled || hook?.killed === true;
  if (killed) return { done: false, result: null, killed: true };
  if (prepared.kind === 'sync') {
    const ok = threw === null && (returned as { ok?: unknown } | undefined)?.ok !== false;
    return { done: ok, result: ok ? 'ok' : 'failed', killed: false };
  }
  // An exception out of doPost is an Apps Script error page: the relay cannot read a verdict and answers 503.
  if (threw !== null) return { done: false, result: 'thrown', killed: false };
  const result = verdictOf(returned);
  const status =
    result !== null && Object.hasOwn(RELAY_STATUS, result) ? RELAY_STATUS[result as WebhookResult] : 503;
  return { done: status === 200, result, killed: false };
}

function verdictOf(output: unknown): string | null {
  try {
    const text = (output as { getContent(): string }).getContent();
    const result = (JSON.parse(text) as { result?: unknown }).result;
    return typeof result === 'string' ? result : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Faults

interface Fault {
  hook: FaultyHook;
  firstFailure(): string | null;
}

/**
 * `throw-once`: call k fails like Apps Script, later calls work. `stop`: the execution is killed at call k (every
 * call from k on throws a non-Apps-Script error and the answer is lost). `down-from`: from call k on, every
 * Spreadsheet-service call fails like Apps Script; other services work.
 */
export function faultHook(world: World, mode: FaultMode, k: number): Fault {
  let n = 0;
  let first: string | null = null;
  const hook: Fault['hook'] = (call: ServiceCall) => {
    n += 1;
    const fail = (error: Error) => {
      first ??= `${call.kind}.${call.method}`;
      if (call.spreadsheet) hook.spreadsheetFailed = true;
      throw error;
    };
    if (mode === 'throw-once' && n === k) fail(appsScriptError(world, call));
    if (mode === 'stop' && n >= k) {
      hook.killed = true;
      fail(new ExecutionKilled(k));
    }
    if (mode === 'down-from' && n >= k && call.spreadsheet) fail(appsScriptError(world, call));
  };
  return { hook, firstFailure: () => first };
}

/** What Apps Script says when a service call fails for reasons of its own (messages seen in the wild). */
export function appsScriptError(world: World, call: ServiceCall): Error {
  if (call.spreadsheet)
    return world.fakes.error(
      `Service Spreadsheets failed while accessing document with id ${world.fakes.spreadsheet.getId()}.`,
    );
  if (call.kind === 'Lock' || call.kind === 'LockService')
    return world.fakes.error('There are too many LockService operations against the same script.');
  if (call.kind === 'UrlFetchApp') return world.fakes.error(`Address unavailable: ${String(call.args[0])}`);
  return world.fakes.error("We're sorry, a server error occurred. Please wait a bit and try again.");
}

function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.kind}|${p.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// A campaign: every mode at every position of one scenario.

export interface ModeResult {
  mode: FaultMode;
  tried: number;
  /** Executions run: the faulty ones and every redelivery or rerun after them. */
  executions: number;
  mismatches: number;
  halfWritten: number;
  first: Trial | null;
  /** Trials by kind of problem (a trial counts once per kind). */
  kinds: Map<string, number>;
  trials: Trial[];
}

export interface ScenarioResult {
  name: string;
  calls: number;
  reference: Reference;
  modes: ModeResult[];
  ms: number;
}

export function runCampaign(prepared: Prepared, modes: readonly FaultMode[] = FAULT_MODES): ScenarioResult {
  const started = performance.now();
  const reference = referenceRun(prepared);
  return {
    name: prepared.name,
    calls: reference.calls.length,
    reference,
    modes: modes.map((mode) => runMode(prepared, reference, mode)),
    ms: performance.now() - started,
  };
}

/** One mode at every position 1..N of the fault-free execution. */
export function runMode(prepared: Prepared, reference: Reference, mode: FaultMode): ModeResult {
  const trials: Trial[] = [];
  for (let k = 1; k <= reference.calls.length; k++) trials.push(runTrial(prepared, reference, mode, k));
  const failing = trials.filter((t) => t.problems.length > 0);
  const kinds = new Map<string, number>();
  for (const trial of failing)
    for (const kind of new Set(trial.problems.map((p) => p.kind)))
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  return {
    mode,
    tried: trials.length,
    executions: trials.reduce((sum, t) => sum + t.executions, 0),
    mismatches: failing.length,
    halfWritten: trials.filter((t) => t.problems.some((p) => p.halfWritten)).length,
    first: failing[0] ?? null,
    kinds,
    trials,
  };
}

/** The failing positions of one mode, a line each with its problems, for a test's failure message. */
export function describeFailures(result: ModeResult, limit = 8): string {
  const failing = result.trials.filter((t) => t.problems.length > 0);
  const lines = failing.slice(0, limit).map((t) => {
    const shown = t.problems.find((p) => p.halfWritten) ?? t.problems[0]!;
    const more = t.problems.length > 1 ? ` (+${t.problems.length - 1} more)` : '';
    return `k=${t.position} ${t.call ?? '-'}: ${shown.halfWritten ? '[half-written] ' : ''}${shown.kind}: ${truncate(shown.detail, 200)}${more}`;
  });
  if (failing.length > limit) lines.push(`… and ${failing.length - limit} more positions`);
  return `${result.mode}: ${failing.length} of ${result.tried} positions end differently\n${lines.join('\n')}`;
}

/** The per-scenario table: scenario, mode, positions tried, mismatches, half-written, first mismatch. */
export function formatTable(results: ScenarioResult[]): string {
  const rows: string[][] = [
    ['scenario', 'mode', 'tried', 'executions', 'mismatches', 'half-written', 'first mismatch'],
  ];
  for (const result of results) {
    for (const mode of result.modes) {
      const first = mode.first;
      rows.push([
        result.name,
        mode.mode,
        String(mode.tried),
        String(mode.executions),
        String(mode.mismatches),
        String(mode.halfWritten),
        first
          ? `k=${first.position} ${first.call ?? '-'}: ${first.problems[0]?.kind}: ${first.problems[0]?.detail}`
          : '',
      ]);
    }
  }
  const total = results.flatMap((r) => r.modes);
  rows.push([
    'total',
    '',
    String(total.reduce((s, m) => s + m.tried, 0)),
    String(total.reduce((s, m) => s + m.executions, 0)),
    String(total.reduce((s, m) => s + m.mismatches, 0)),
    String(total.reduce((s, m) => s + m.halfWritten, 0)),
    '',
  ]);
  const last = rows[0]!.length - 1;
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (c === last ? 0 : r[c]!.length))));
  return rows
    .map((r) => r.map((cell, c) => (c === last ? truncate(cell, 160) : cell.padEnd(widths[c]!))).join('  '))
    .join('\n');
}

/** Kinds of problem per scenario and mode, most frequent first. */
export function formatKinds(results: ScenarioResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    for (const mode of result.modes) {
      if (mode.kinds.size === 0) continue;
      const kinds = [...mode.kinds].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ×${n}`);
      lines.push(`${result.name} / ${mode.mode}: ${kinds.join('; ')}`);
    }
  }
  return lines.join('\n');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
