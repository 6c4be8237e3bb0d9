/** Helpers for tests that break the compiler on purpose and expect the verifier to refuse. */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { VerificationError } from '../../lib/verify/verify';

/** The VerificationError `run` throws; fails the test when synth passes or throws something else. */
export function failure(run: () => unknown): VerificationError {
  try {
    run();
  } catch (e) {
    if (e instanceof VerificationError) return e;
    throw e;
  }
  throw new Error('synth passed verification, but the output was broken on purpose');
}

/** The tenant chart of namespace `ns` in an app (for `customize` hooks that add objects there). */
export function chartOf(app: IConstruct, ns: string): Chart {
  return app.node.findAll().find((c): c is Chart => Chart.isChart(c) && c.namespace === ns)!;
}
