/**
 * What the constructs of one construct tree were asked for, in the model's terms: tenants and their
 * workloads, flows, egress, guardrails, gateways and routes. Constructs add to it as they are created
 * and connected; `verify(app)` compares the analyzer's reading of the rendered manifests with it, so
 * a hand-built app gets the same proof as platform.yaml. It records requests, never the policies that
 * were rendered for them, so a wrong policy shows up as a difference.
 *
 *   PlatformRecord.of(app).toModel(ClusterSettings.of(app));   // a ClusterPlatform, as the checker makes them
 */
import { IConstruct } from 'constructs';
import { Cluster, ClusterPlatform, Egress, Flow, Gateway, Guardrail, Route, Tenant, Workload } from '../model/platform';
import { RenderError } from '../model/rendered';

/** A tenant as recorded: its workloads are added as they are created. */
interface TenantEntry {
  readonly tenant: Tenant;
  readonly workloads: Workload[];
  readonly byName: Map<string, Workload>;
}

const RECORDS = new WeakMap<IConstruct, PlatformRecord>();

export class PlatformRecord {
  /** The record of the tree `scope` belongs to. */
  static of(scope: IConstruct): PlatformRecord {
    const root = scope.node.root;
    let record = RECORDS.get(root);
    if (!record) RECORDS.set(root, (record = new PlatformRecord()));
    return record;
  }

  private readonly tenantsByName = new Map<string, TenantEntry>();
  private readonly gatewaysByName = new Map<string, () => Gateway>();
  readonly flows: Flow[] = [];
  readonly egress: Egress[] = [];
  readonly guardrails: Guardrail[] = [];
  readonly routes: Route[] = [];

  private constructor() {}

  /** The cluster the tenants render for (their ClusterSettings); one per tree. */
  private clusterSeen?: Cluster;

  addTenant(tenant: Omit<Tenant, 'workloads'>, cluster: Cluster, where: string): void {
    if (this.clusterSeen && this.clusterSeen !== cluster)
      throw new RenderError(`${where}: tenant ${tenant.name} sees other cluster settings than the tenants before it; one app renders for one cluster (set ClusterSettings on the app)`);
    this.clusterSeen = cluster;
    const twin = this.tenantsByName.get(tenant.name);
    if (twin) throw new RenderError(`${where}: tenant "${tenant.name}" is already declared at ${twin.tenant.origin.file}; a namespace has one tenant`);
    const workloads: Workload[] = [];
    this.tenantsByName.set(tenant.name, { tenant: { ...tenant, workloads }, workloads, byName: new Map() });
  }

  addWorkload(workload: Workload, where: string): void {
    const entry = this.tenantsByName.get(workload.tenant)!;
    const twin = entry.byName.get(workload.name);
    if (twin) throw new RenderError(`${where}: tenant ${workload.tenant} already has a workload "${workload.name}" (${twin.origin.file})`);
    entry.byName.set(workload.name, workload);
    entry.workloads.push(workload);
  }

  addGateway(name: string, gateway: () => Gateway, where: string): void {
    if (this.gatewaysByName.has(name)) throw new RenderError(`${where}: a gateway "${name}" is already declared`);
    this.gatewaysByName.set(name, gateway);
  }

  /** The tenants declared so far, in declaration order. */
  get tenants(): readonly Tenant[] {
    return [...this.tenantsByName.values()].map((e) => e.tenant);
  }

  /** Everything recorded, as the platform one cluster runs (the form verification reads). */
  toModel(fallback: Cluster): ClusterPlatform {
    const cluster = this.clusterSeen ?? fallback;
    return {
      name: cluster.name,
      cluster,
      tenants: this.tenants,
      flows: [...this.flows],
      egress: [...this.egress],
      guardrails: [...this.guardrails],
      gateways: [...this.gatewaysByName.values()].map((g) => g()),
      routes: [...this.routes],
    };
  }
}
