/**
 * The platform.yaml front end's one mapping from the checked model onto the public constructs, for
 * one cluster: a Chart per tenant (one file per tenant in dist/) holding its `Tenant`, the workloads
 * with the cluster's overrides, each flow as one `connections.allowTo` call (egress at the source and
 * ingress at the destination), each egress entry as `allowTo(Peer...)`, the gateways and routes, the
 * guardrails, and the cluster's set-up files (kind or eksctl config, Cilium Helm values) under
 * `bootstrap/`. Everything a policy says comes from the constructs a TypeScript user would call.
 *
 *   const app = new App();
 *   new ClusterPlatform(app, 'dev', { platform: forCluster(model, model.clusters[0]) });
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterPlatform as ClusterModel, Endpoint, Workload as WorkloadModel, tenantsSelected } from '../model/platform';
import { CiliumValues } from './cilium-values';
import { clusterSetupFiles } from './cluster-config';
import { ClusterSettings } from './cluster-settings';
import { IConnectable } from './connections';
import { Gateway, Gateways } from './gateway';
import { Guardrail } from './guardrail-policy';
import { HttpRoute } from './http-route';
import { Peer } from './peer';
import { PlatformChart } from './platform-chart';
import { Port } from './port';
import { Tenant } from './tenant';
import { ApiRule } from '../model/workload-settings';
import { ApiRuleProps, Workload, WorkloadProps } from './workload';

export interface ClusterPlatformProps {
  readonly platform: ClusterModel;
}

export class ClusterPlatform extends Construct {
  public readonly tenants: ReadonlyMap<string, Tenant>;

  constructor(scope: Construct, id: string, props: ClusterPlatformProps) {
    super(scope, id);
    const p = props.platform;
    ClusterSettings.setResolved(this, p.cluster);
    const cilium = p.cluster.cni === 'cilium';

    const tenants = new Map<string, Tenant>();
    const workloads = new Map<string, Workload>();
    for (const t of [...p.tenants].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      // A chart per tenant: renderCharts writes it to tenants/<namespace>.yaml.
      const chart = new Chart(this, t.name, { namespace: t.name, disableResourceNameHashes: true });
      const tenant = new Tenant(chart, t.name, { name: t.name, labels: t.labels });
      tenants.set(t.name, tenant);
      for (const w of t.workloads) workloads.set(w.id, new Workload(tenant, w.name, workloadProps(w)));
    }
    this.tenants = tenants;
    const end = (e: Endpoint): IConnectable => (e.workload ? workloads.get(`${e.tenant}/${e.workload}`)! : tenants.get(e.tenant)!);

    for (const f of p.flows)
      end(f.from).connections.allowTo(end(f.to), f.ports.map(Port.fromSelector), { ...(f.http ? { http: f.http } : {}), ...(f.description ? { description: f.description } : {}) });
    for (const e of p.egress)
      end(e.from).connections.allowTo(Peer.fromTarget(e.to), e.ports.map(Port.fromSelector), e.description ? { description: e.description } : {});

    // The checker refuses gateways on clusters without Cilium.
    if (p.gateways.length) {
      const chart = new PlatformChart(this, 'gateways', { outputFile: 'platform/gateways.yaml' });
      const gateways = new Gateways(chart, 'gateways', { ...(p.cluster.provider === 'kind' && p.cluster.loadBalancerIPs ? { loadBalancerIPs: p.cluster.loadBalancerIPs } : {}) });
      const byName = new Map<string, Gateway>();
      for (const g of p.gateways)
        byName.set(g.name, new Gateway(gateways, g.name, { name: g.name, listeners: g.listeners, tenants: g.tenants.map((t) => tenants.get(t)!) }));
      for (const r of p.routes)
        new HttpRoute(tenants.get(r.tenant)!, `route-${r.name}`, {
          name: r.name,
          gateway: byName.get(r.gateway)!,
          ...(r.listener ? { listener: r.listener } : {}),
          hostnames: r.hostnames,
          rules: r.rules.map((rule) => ({
            path: rule.path,
            headers: Object.fromEntries(rule.headers.map((h) => [h.name, h.value])),
            backends: rule.backends.map((b) => ({ workload: workloads.get(`${b.tenant}/${b.workload}`)!, port: b.port, weight: b.weight })),
          })),
        });
    }

    // A guardrail that selects no tenant here denies nothing here: it renders nothing.
    const guardrails = cilium ? p.guardrails.filter((g) => tenantsSelected(g.from, p.tenants).length && tenantsSelected(g.to, p.tenants).length) : [];
    if (guardrails.length) {
      const chart = new PlatformChart(this, 'guardrails', { outputFile: 'platform/guardrails.yaml' });
      for (const g of guardrails)
        new Guardrail(chart, g.name, { name: g.name, from: g.from, to: g.to, bidirectional: g.bidirectional, ...(g.control ? { control: g.control } : {}), ...(g.description ? { description: g.description } : {}) });
    }

    // Set-up files (not manifests): the cluster config, and on Cilium the chart values to install it with.
    clusterSetupFiles(this, p.cluster);
    if (cilium) new CiliumValues(this, 'cilium-values', { cluster: p.cluster, gatewayApi: p.gateways.length > 0 });
  }
}

/** A workload of the model (cluster overrides applied) as props: every value written out. */
function workloadProps(w: WorkloadModel): WorkloadProps {
  return {
    name: w.name,
    image: w.image,
    ...(w.command ? { command: w.command } : {}),
    ...(w.args ? { args: w.args } : {}),
    ports: w.ports,
    user: w.user,
    writablePaths: w.writablePaths,
    resources: w.resources,
    env: Object.fromEntries(w.env.map((e) => ('value' in e ? [e.name, e.value] : [e.name, { secretKeyRef: e.secretKeyRef }]))),
    kind: w.kind,
    // Only what the kind takes (the construct refuses the rest); the checker resolved every default.
    ...(w.kind === 'Deployment' || w.kind === 'StatefulSet' ? (w.autoscale ? { autoscale: w.autoscale } : { replicas: w.replicas }) : {}),
    ...(w.kind === 'StatefulSet' ? { volumes: w.volumes } : {}),
    ...(w.cron
      ? {
          schedule: w.cron.schedule,
          ...(w.cron.timeZone ? { timeZone: w.cron.timeZone } : {}),
          concurrencyPolicy: w.cron.concurrencyPolicy,
          suspend: w.cron.suspend,
          history: { successful: w.cron.successfulJobsHistoryLimit, failed: w.cron.failedJobsHistoryLimit },
        }
      : {}),
    ...(w.run ? { backoffLimit: w.run.backoffLimit, ...(w.run.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: w.run.activeDeadlineSeconds } : {}) } : {}),
    // Wildcards were refused by the checker unless the rule said allowWildcard; the model keeps the rule as granted.
    ...(w.kubeApi ? { kubeApi: { rules: w.kubeApi.rules.map(granted), clusterRules: w.kubeApi.clusterRules.map(granted) } } : {}),
    files: w.files,
    imagePullSecrets: w.imagePullSecrets,
    health: w.health,
  };
}

const granted = (r: ApiRule): ApiRuleProps => ({ ...r, allowWildcard: true });
