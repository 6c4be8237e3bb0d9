/**
 * Every shared Kubernetes e2e NetworkPolicy case, imported through the CLI: exit 0, and synth of the
 * written platform.yaml renders policies whose workload-to-workload connectivity (protocol and port)
 * equals the original's, checked here from the rendered files, not by the importer's own proof.
 */
import { analyze } from '../../lib/analysis';
import { describeWithShared } from '../support/shared';
import { caseManifests, loadCases, writeCase } from './cases';
import { connectionLines, objectsOf, runImport, synthConnectivity } from './support';

describeWithShared('bulkhead import of the shared NetworkPolicy cases', () => {
  const cases = loadCases();

  test('the case directory is not empty', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  test.each(cases)('%s: exits 0 and synth of the written file keeps every connection', async (_file, c) => {
    const run = await runImport([writeCase(c)]);
    expect(run.stderr).toMatch(/^proof: equal\./m);
    expect(run.code).toBe(0);
    const original = analyze(objectsOf(caseManifests(c)));
    const { connectivity } = synthConnectivity(run.stdout);
    expect(connectionLines(connectivity)).toEqual(connectionLines(original));
  });
});
