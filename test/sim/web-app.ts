// The web app's front door: each request to /exec becomes a doPost execution. Apps Script runs at most 30
// executions of a script at once (quotas: simultaneous executions); further requests wait their turn here, first
// come first served. A web app deployed "execute as me" runs every request as its owner.

import type { Execution, Outcome, Scheduler } from './scheduler';

export const MAX_SIMULTANEOUS_EXECUTIONS = 30;

export interface WebRequest {
  /** The request class it is counted under: `stripe`, `forged`, … */
  label: string;
  /** doPost's event object: postData, parameter, … */
  event: Record<string, unknown>;
  onStart?: (execution: Execution) => void;
  onDone: (execution: Execution, outcome: Outcome) => void;
}

/** What every finished execution cost, for the figures. */
export interface ExecutionRecord {
  id: number;
  label: string;
  startedAt: number;
  endedAt: number;
  spreadsheetCalls: number;
  killed: boolean;
}

export class WebApp {
  readonly executions: ExecutionRecord[] = [];
  private readonly waiting: WebRequest[] = [];
  private running = 0;
  peakRunning = 0;
  peakWaiting = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly owner: string,
    private readonly maxRunning = MAX_SIMULTANEOUS_EXECUTIONS,
  ) {}

  submit(request: WebRequest): void {
    this.waiting.push(request);
    this.peakWaiting = Math.max(this.peakWaiting, this.waiting.length);
    this.startWaiting();
  }

  private startWaiting(): void {
    while (this.running < this.maxRunning) {
      const request = this.waiting.shift();
      if (!request) return;
      this.running += 1;
      this.peakRunning = Math.max(this.peakRunning, this.running);
      const execution = this.scheduler.start({
        fn: 'doPost',
        args: [request.event],
        context: 'webapp',
        user: this.owner,
        label: request.label,
        onDone: (done, outcome) => {
          this.running -= 1;
          this.executions.push({
            id: done.id,
            label: request.label,
            startedAt: done.startedAt,
            endedAt: done.endedAt ?? this.scheduler.now,
            spreadsheetCalls: done.spreadsheetCalls,
            killed: outcome.killed,
          });
          request.onDone(done, outcome);
          this.startWaiting();
        },
      });
      request.onStart?.(execution);
    }
  }
}
