// Apps Script stops an execution at 6 minutes: a run times its steps and starts none it cannot finish.

/** Apps Script stops an execution at 6 minutes; sync stops starting work well before. */
export const RUN_LIMIT_MS = 6 * 60_000;
export const DEFAULT_BUDGET_MS = 4.5 * 60_000;

export class RunBudget {
  private slowestStepMs = 0;

  constructor(
    private readonly nowMs: () => number,
    private readonly startedMs: number = nowMs(),
    private readonly budgetMs: number = DEFAULT_BUDGET_MS,
  ) {}

  elapsedMs(): number {
    return this.nowMs() - this.startedMs;
  }

  /** Whether a step as slow as the slowest one so far (at least `minimumMs`) still ends inside the budget. */
  allows(minimumMs = 10_000): boolean {
    return this.elapsedMs() + Math.max(minimumMs, this.slowestStepMs * 1.5) <= this.budgetMs;
  }

  /** Times a step (a page applied, an import chunk) so that the next decision knows what one costs. */
  time<T>(step: () => T): T {
    const start = this.nowMs();
    try {
      return step();
    } finally {
      this.slowestStepMs = Math.max(this.slowestStepMs, this.nowMs() - start);
    }
  }

  /** Time left before the budget, for retries that must not run past it. */
  remainingMs(): number {
    return this.budgetMs - this.elapsedMs();
  }
}
