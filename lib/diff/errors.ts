/**
 * Bad input to `bulkhead diff` (a side that is neither a directory nor a git ref, ...): the message says
 * what to do. lib/diff knows nothing of the CLI; the `diff` command reports these as usage errors (exit 2).
 */
export class DiffInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiffInputError';
  }
}
