// The figures of several runs side by side, as a markdown table (bench/burst.bench.ts prints it; the acceptance
// tests print it too, so a failure shows the whole picture).

import type { LockFigures, RunFigures } from './metrics';

export interface LabelledFigures {
  label: string;
  figures: RunFigures;
}

export function figuresTable(runs: LabelledFigures[]): string {
  const rows: [string, (f: RunFigures) => string][] = [
    ['Spreadsheet call latency', (f) => `${f.spreadsheetLatencyMs} ms`],
    ['events · forged requests', (f) => `${count(f.events)} · ${count(f.forgedRequests)}`],
    ['Stripe deliveries (retries)', (f) => `${count(f.deliveries)} (${count(f.retries)})`],
    [
      'events that needed a retry',
      (f) => `${count(f.eventsRetried)} (${percent(f.eventsRetried, f.events)})`,
    ],
    ['events never answered 2xx', (f) => count(f.eventsUndelivered)],
    ['doPost answers to Stripe', (f) => answers(f.answers.stripe)],
    ['doPost answers to forgers', (f) => answers(f.answers.forged)],
    ['relay timeouts (503)', (f) => count(f.relayTimeouts)],
    [
      'books final after first event',
      (f) => (f.finalAfterMs === null ? 'not reached' : duration(f.finalAfterMs)),
    ],
    ['Spreadsheet calls', (f) => count(f.spreadsheetCalls)],
    [
      'script lock held: Stripe · forged',
      (f) => `${held(f.locksByClass.stripe?.script)} · ${held(f.locksByClass.forged?.script)}`,
    ],
    [
      'user lock held: Stripe · forged',
      (f) => `${held(f.locksByClass.stripe?.user)} · ${held(f.locksByClass.forged?.user)}`,
    ],
    ['longest script-lock holding', (f) => duration(f.locks.script?.maxMs ?? 0)],
    [
      'log rows per delivery (Stripe)',
      (f) =>
        `${ratio(f.stripeLogRows, f.loggableDeliveries)} (${count(f.stripeLogRows)} rows, ${count(f.eventsWithRowMismatch)} events off)`,
    ],
    ['`queued` rows: peak · left', (f) => `${count(f.peakQueued)} · ${count(f.queuedLeft)}`],
    [
      'every event applied once',
      (f) => (f.appliedOnce ? 'yes' : `no: ${f.appliedOnceProblems.length} problem kinds`),
    ],
    ['open exceptions = Stripe-time order', (f) => (f.openExceptionsMatchReference ? 'yes' : 'no')],
    ['exceptions cured before they arose (not opened)', (f) => count(f.curedBeforeRaised)],
    ['Audit rows = Stripe-time order', (f) => (f.auditMatchesReference ? 'yes' : 'no')],
    [
      'peak executions · waiting for one · Stripe backlog',
      (f) => `${f.peakExecutions} · ${count(f.peakWaitingRequests)} · ${count(f.peakStripeBacklog)}`,
    ],
    ['virtual time covered', (f) => duration(f.virtualMs)],
    ['real time', (f) => duration(f.realMs)],
  ];
  const header = `| | ${runs.map((r) => r.label).join(' | ')} |`;
  const rule = `|---|${runs.map(() => '---').join('|')}|`;
  const body = rows.map(([name, cell]) => `| ${name} | ${runs.map((r) => cell(r.figures)).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

/** What went wrong in runs that did not apply every event once. */
export function problemsList(runs: LabelledFigures[]): string {
  return runs
    .filter((r) => r.figures.appliedOnceProblems.length > 0)
    .map((r) => `- ${r.label}: ${r.figures.appliedOnceProblems.join('; ')}`)
    .join('\n');
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${Math.round((100 * part) / whole)}%`;
}

function ratio(part: number, whole: number): string {
  return whole === 0 ? '–' : (part / whole).toFixed(2);
}

function answers(byVerdict: Record<string, number> | undefined): string {
  if (!byVerdict) return '–';
  return Object.entries(byVerdict)
    .sort((a, b) => b[1] - a[1])
    .map(([verdict, n]) => `${verdict} ${count(n)}`)
    .join(' · ');
}

function held(figures: LockFigures | undefined): string {
  return figures ? duration(figures.totalMs) : '0 s';
}
