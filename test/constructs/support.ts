/** Small apps built with the public constructs, for the construct tests. */
import { App, Chart, Testing } from 'cdk8s';
import { ClusterSettings, ClusterSettingsProps, Tenant, Workload } from '../../lib';

export type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; specs?: any };

export interface Fixture {
  readonly app: App;
  readonly chart: Chart;
  readonly web: Tenant;
  readonly patients: Tenant;
  readonly frontend: Workload;
  readonly api: Workload;
}

/** Two tenants in one chart: web/frontend (http 8080) and patient-data/records-api (http 8080/TCP, metrics 9100/UDP). */
export function twoTenants(cluster?: ClusterSettingsProps): Fixture {
  const app = Testing.app();
  if (cluster) ClusterSettings.set(app, cluster);
  const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });
  const web = new Tenant(chart, 'web');
  const patients = new Tenant(chart, 'patient-data', { labels: { 'data-class': 'phi' } });
  const frontend = new Workload(web, 'frontend', { image: 'nginx', ports: [{ name: 'http', port: 8080 }] });
  const api = new Workload(patients, 'records-api', { image: 'echo', ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9100, protocol: 'UDP' }] });
  return { app, chart, web, patients, frontend, api };
}

export function docs(chart: Chart): Doc[] {
  return Testing.synth(chart) as Doc[];
}

export function find(all: Doc[], kind: string, name: string, namespace?: string): Doc | undefined {
  return all.find((d) => d.kind === kind && d.metadata.name === name && (namespace === undefined || d.metadata.namespace === namespace));
}

/** The message of what `fn` throws (fails when it does not throw). */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but nothing was thrown');
}
