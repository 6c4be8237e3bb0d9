/**
 * Locates `../shared` (reference data kept beside the checkout, never copied into it).
 *
 * A user's clone has no `../shared`: tests that need it are skipped with a printed reason.
 * CI sets BULKHEAD_REQUIRE_SHARED=1, which turns its absence into a failure instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', 'shared');

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

export function sharedAvailable(): boolean {
  const present = fs.existsSync(SHARED_DIR);
  if (!present && process.env.BULKHEAD_REQUIRE_SHARED === '1') {
    throw new Error(`BULKHEAD_REQUIRE_SHARED=1 but ${SHARED_DIR} does not exist`);
  }
  return present;
}

/** `describe` that runs only when ../shared exists, and says why it was skipped otherwise. */
export function describeWithShared(name: string, fn: () => void): void {
  if (sharedAvailable()) {
    describe(name, fn);
  } else {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED "${name}": ${SHARED_DIR} is missing (reference data beside the checkout); CI requires it.`);
    describe.skip(name, fn);
  }
}
