/**
 * A tenant: its Namespace (labelled, Pod Security `restricted` enforced) and the default deny that
 * isolates it (DNS to kube-dns stays open), holding its workloads. A plain Construct, so it goes in
 * any Chart: several tenants can share a user's chart, and bulkhead's platform.yaml front end gives
 * each tenant a Chart of its own (one file per tenant in dist/).
 *
 *   const chart = new Chart(app, 'platform');
 *   const web = new Tenant(chart, 'web');
 *   const patients = new Tenant(chart, 'patient-data', { labels: { 'data-class': 'phi' } });
 *   const frontend = web.addWorkload('frontend', { image: 'nginxinc/nginx-unprivileged:1.27-alpine', ports: [{ name: 'http', port: 8080 }] });
 *   web.connections.allowTo(patients, [Port.tcp(8080)]);    // every workload of web to every workload of patient-data
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { Endpoint } from '../model/platform';
import { RenderError } from '../model/rendered';
import { constructLocation } from '../model/source-location';
import { ClusterSettings } from './cluster-settings';
import { ConnectionEnd, Connections, IConnectable, WorkloadEnd } from './connections';
import { DefaultDeny } from './default-deny';
import { POD_SECURITY, commonLabels } from './labels';
import { PlatformRecord } from './platform-record';
import { ReferenceGrant } from './reference-grant';
import { Workload, WorkloadProps } from './workload';

// Moved to ./labels (gateways use it too); re-exported for code that imports it from here.
export { POD_SECURITY };

export interface TenantProps {
  /** The namespace's name (a DNS label). @default the construct id */
  readonly name?: string;
  /** Labels on the namespace; guardrails select tenants by them. bulkhead's own labels win on a clash. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TENANT = Symbol.for('bulkhead.Tenant');

export class Tenant extends Construct implements IConnectable, ConnectionEnd {
  static isTenant(x: unknown): x is Tenant {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[TENANT] === true;
  }

  public readonly name: string;
  public readonly labels: Readonly<Record<string, string>>;
  /** Connections of the tenant as a whole: every workload it has when the connection is made. */
  public readonly connections: Connections;
  public readonly endpoint: Endpoint;
  private readonly workloadList: Workload[] = [];
  private readonly grants = new Map<string, ReferenceGrant>();
  /** Where the tenant was first connected as a whole; from then on it takes no more workloads. */
  private connectedAt?: string;

  constructor(scope: IConstruct, id: string, props: TenantProps = {}) {
    super(scope, id);
    Object.defineProperty(this, TENANT, { value: true });
    this.name = props.name ?? id;
    if (!DNS_LABEL.test(this.name) || this.name.length > 63)
      throw new RenderError(`${this.node.path}: tenant name "${this.name}" must be a DNS label (lowercase letters, digits, dashes) of at most 63 characters`);
    this.labels = { ...(props.labels ?? {}) };
    this.endpoint = { tenant: this.name };
    PlatformRecord.of(this).addTenant({ name: this.name, labels: this.labels, origin: constructLocation(this.node.path) }, ClusterSettings.of(this), this.node.path);
    this.connections = new Connections(this);
    new k8s.KubeNamespace(this, 'namespace', {
      // Tenant labels first, so that bulkhead's own labels win on a clash.
      metadata: { name: this.name, labels: { ...this.labels, ...commonLabels(this.name), ...POD_SECURITY } },
    });
    new DefaultDeny(this, 'default-deny', { namespace: this.name });
  }

  /** The tenant's workloads, in the order they were added. */
  get workloads(): readonly Workload[] {
    return this.workloadList;
  }

  /** Adds a workload: the same as `new Workload(this, id, props)`. */
  addWorkload(id: string, props: WorkloadProps): Workload {
    return new Workload(this, id, props);
  }

  /** @internal Called by each Workload of this tenant. */
  _addWorkload(workload: Workload): void {
    if (this.connectedAt)
      throw new RenderError(`${workload.node.path}: tenant ${this.name} is already connected as a whole (${this.connectedAt}), which covers only the workloads it had then; add its workloads first`);
    this.workloadList.push(workload);
  }

  /** @internal */
  _members(): readonly WorkloadEnd[] {
    return this.workloadList;
  }

  /** @internal */
  _connected(where: string): void {
    this.connectedAt ??= where;
  }

  /**
   * @internal Lets HTTPRoutes of namespace `routeNamespace` use `service` of this tenant: one
   * ReferenceGrant per route namespace, rendered only when some route needs it.
   */
  _grantRoutesFrom(routeNamespace: string, service: string): void {
    let grant = this.grants.get(routeNamespace);
    if (!grant) this.grants.set(routeNamespace, (grant = new ReferenceGrant(this, `httproutes-from-${routeNamespace}`, { namespace: this.name, from: routeNamespace })));
    grant.allow(service);
  }
}
