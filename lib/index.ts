/**
 * bulkhead as a cdk8s construct library: tenants, workloads, connections enforced at both ends,
 * egress, guardrails, gateways and routes, composable in any Chart, and `verify(app)`, which proves
 * with bulkhead's analyzer that what the app renders does exactly what its constructs were asked.
 * This file is the package's public entry point; see examples/two-tenants/app.ts and the README,
 * "Use the constructs in your own cdk8s app".
 *
 *   const app = new App();
 *   const chart = new Chart(app, 'platform');
 *   const web = new Tenant(chart, 'web');
 *   const patients = new Tenant(chart, 'patient-data', { labels: { 'data-class': 'phi' } });
 *   const frontend = new Workload(web, 'frontend', { image: 'nginxinc/nginx-unprivileged:1.27-alpine', ports: [{ name: 'http', port: 8080 }] });
 *   const recordsApi = new Workload(patients, 'records-api', { image: 'hashicorp/http-echo:1.0', ports: [{ name: 'http', port: 5678 }] });
 *   frontend.connections.allowTo(recordsApi, [Port.named('http')]);
 *   app.synth();
 *   verify(app);
 */
export { ClusterSettings } from './constructs/cluster-settings';
export type { ClusterSettingsProps } from './constructs/cluster-settings';
export { Connections } from './constructs/connections';
export type { ConnectionOptions, IConnectable } from './constructs/connections';
export { Gateway, Gateways } from './constructs/gateway';
export type { GatewayProps, GatewaysProps, ListenerProps } from './constructs/gateway';
export { Guardrail } from './constructs/guardrail-policy';
export type { GuardrailProps } from './constructs/guardrail-policy';
export { HttpRoute } from './constructs/http-route';
export type { HttpRouteProps, RouteBackendProps, RouteRuleProps } from './constructs/http-route';
export { NAMESPACE_NAME_LABEL, POD_SECURITY, TENANT_LABEL, WORKLOAD_LABEL } from './constructs/labels';
export { Peer } from './constructs/peer';
export { Port } from './constructs/port';
export { Tenant } from './constructs/tenant';
export type { TenantProps } from './constructs/tenant';
export { Workload } from './constructs/workload';
export type { ApiRuleProps, EnvValue, WorkloadPort, WorkloadProps } from './constructs/workload';
export type { ApiRule, Autoscale, ConcurrencyPolicy, Health, HealthCheck, HealthCheckAction, PersistentVolume, WorkloadKind } from './model/workload-settings';
export { GATEWAY_NAMESPACE } from './model/platform';
export type { Cni, HttpRule, Protocol, Provider, TenantSelector } from './model/platform';
export { RenderError } from './model/rendered';
export { verify } from './verify/app';
export type { VerifyOptions } from './verify/app';
export { VerificationError } from './verify/verify';
export type { Finding, Verification } from './verify/verify';
