/** What a focused rule module needs from the checker: a way to report a problem at a field of the intents. */
import { FieldPath } from './diagnostics';

export interface RuleContext {
  /** Reports `message` at `path` (at the key of its last segment with `key`), with `hint` saying what to do. */
  fail(path: FieldPath, message: string, hint?: string, key?: boolean): void;
}
