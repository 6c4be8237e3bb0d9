/** Errors the CLI reports as `bulkhead: <message>` with exit code 2 (bad usage or bad input), no stack. */
import { AnalysisInputError } from '../analysis';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

export function isUserError(e: unknown): e is Error {
  return e instanceof UsageError || e instanceof AnalysisInputError;
}
