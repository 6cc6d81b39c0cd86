// What an error says, whatever was thrown: Apps Script services throw Errors, code may throw anything.

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
