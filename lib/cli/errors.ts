/** Errors the CLI reports as `bulkhead: <message>` with exit code 2 (bad usage or bad input), no stack. */
import type { AnalysisInputError } from '../analysis';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

export function isUserError(e: unknown): e is Error {
  if (e instanceof UsageError) return true;
  // Only on this error path is the analyzer worth loading (`bulkhead --help` must stay cheap).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const analysis = require('../analysis') as { AnalysisInputError: typeof AnalysisInputError };
  return e instanceof analysis.AnalysisInputError;
}
