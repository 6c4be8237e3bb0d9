/**
 * bulkhead's constructs in a cdk8s app of your own, without platform.yaml: two tenants in one Chart,
 * one connection written once (egress at the frontend, ingress at the records API), and the proof
 * that the YAML cdk8s writes does exactly that. It imports only bulkhead's public entry point.
 *
 *   npx tsx examples/two-tenants/app.ts     # writes examples/two-tenants/dist/platform.k8s.yaml and verifies it
 */
import { App, Chart } from 'cdk8s';
import { Port, Tenant, Workload, verify } from '../../lib';

export function twoTenantApp(outdir?: string): App {
  const app = new App(outdir ? { outdir } : {});
  const chart = new Chart(app, 'platform', { disableResourceNameHashes: true });

  const web = new Tenant(chart, 'web');
  const patients = new Tenant(chart, 'patient-data', { labels: { 'data-class': 'phi' } });
  const frontend = new Workload(web, 'frontend', {
    image: 'nginxinc/nginx-unprivileged:1.27-alpine',
    ports: [{ name: 'http', port: 8080 }],
    writablePaths: ['/tmp'],
  });
  const recordsApi = new Workload(patients, 'records-api', {
    image: 'hashicorp/http-echo:1.0',
    args: ['-listen=:8080', '-text=records'],
    ports: [{ name: 'http', port: 8080 }],
  });

  // One call, both ends: frontend's egress and records-api's ingress, on the port records-api names http.
  frontend.connections.allowTo(recordsApi, [Port.named('http')]);
  return app;
}

if (require.main === module) {
  const app = twoTenantApp('examples/two-tenants/dist');
  app.synth();
  const proof = verify(app);
  console.log(`verified: ${proof.connectivity.connections.map((c) => `${c.from} -> ${c.to}`).join(', ')}; nothing else is open`);
}
