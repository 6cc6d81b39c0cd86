// A start-up problem the person can fix: `npm start` prints its message as one line and exits, without a stack.

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
