/**
 * A workload of a tenant: a Deployment and its Service, hardened to pass the `restricted` Pod Security
 * Standard while still starting: a fixed non-root UID (images that default to root start anyway),
 * read-only root filesystem with an emptyDir for every directory the image writes, no privilege
 * escalation, all capabilities dropped, RuntimeDefault seccomp, no service-account token, modest
 * resources. Its NetworkPolicies (and, on Cilium, its CiliumNetworkPolicy) hold what its
 * `connections` allow, and nothing until then: the tenant's default deny isolates it.
 *
 *   const frontend = new Workload(web, 'frontend', {
 *     image: 'nginxinc/nginx-unprivileged:1.27-alpine',
 *     ports: [{ name: 'http', port: 8080 }],
 *     writablePaths: ['/tmp'],
 *   });
 *   frontend.connections.allowTo(recordsApi, [Port.named('http')]);
 */
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DEFAULT_REPLICAS, DEFAULT_RESOURCES, DEFAULT_USER } from '../model/defaults';
import { volumeNameFor } from '../model/naming';
import { ContainerPort, Endpoint, EnvVar, Protocol, Resources, Workload as WorkloadModel } from '../model/platform';
import { RenderError } from '../model/rendered';
import { constructLocation } from '../model/source-location';
import { CiliumPolicy } from './cilium-policy';
import { ConnectionEnd, Connections, IConnectable, WorkloadEnd } from './connections';
import { WORKLOAD_LABEL, workloadLabels } from './labels';
import { PlatformRecord } from './platform-record';
import { Segmentation } from './segmentation';
import type { Tenant } from './tenant';

export interface WorkloadPort {
  /** The port's name (an IANA service name): flows and routes refer to it. */
  readonly name: string;
  readonly port: number;
  /** @default "TCP" */
  readonly protocol?: Protocol;
}

/** An environment variable's value: text, or a key of a Secret in the tenant's namespace. */
export type EnvValue = string | { readonly secretKeyRef: { readonly name: string; readonly key: string } };

export interface WorkloadProps {
  /** The Deployment's and Service's name, and the `bulkhead.dev/workload` label. A DNS-1035 label of at most 55 characters. @default the construct id */
  readonly name?: string;
  readonly image: string;
  /** @default the image's entrypoint */
  readonly command?: readonly string[];
  /** @default the image's arguments */
  readonly args?: readonly string[];
  /** Container ports; a workload with ports gets a ClusterIP Service exposing each under its own number and name. @default none */
  readonly ports?: readonly WorkloadPort[];
  /** @default 1 */
  readonly replicas?: number;
  /** The UID (and GID) the container runs as; never 0. @default 65532, the "nonroot" user of distroless images */
  readonly user?: number;
  /** Directories the container writes; each gets an emptyDir (the root filesystem is read-only). @default none */
  readonly writablePaths?: readonly string[];
  /**
   * Requests and limits; a value left out keeps its default.
   * @default requests cpu 50m, memory 64Mi; limits cpu 500m, memory 256Mi
   */
  readonly resources?: {
    readonly requests?: { readonly cpu?: string; readonly memory?: string };
    readonly limits?: { readonly cpu?: string; readonly memory?: string };
  };
  /** Environment variables, rendered sorted by name. @default none */
  readonly env?: Readonly<Record<string, EnvValue>>;
}

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** So that `<name>-ingress` and `<name>-egress` still fit in 63 characters. */
export const MAX_WORKLOAD_NAME = 55;

export class Workload extends Construct implements IConnectable, ConnectionEnd, WorkloadEnd {
  public readonly name: string;
  public readonly tenant: Tenant;
  /** Who may reach this workload and whom it may reach. */
  public readonly connections: Connections;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service?: k8s.KubeService;
  /** The workload as the model says it (what `verify` expects). */
  public readonly model: WorkloadModel;
  public readonly endpoint: Endpoint;
  private readonly segmentation: Segmentation;
  private ciliumPolicy?: CiliumPolicy;

  constructor(tenant: Tenant, id: string, props: WorkloadProps) {
    super(tenant, id);
    this.tenant = tenant;
    this.name = props.name ?? id;
    this.model = resolve(this, tenant.name, props);
    this.endpoint = { tenant: tenant.name, workload: this.name };
    tenant._addWorkload(this);
    PlatformRecord.of(this).addWorkload(this.model, this.node.path);
    this.connections = new Connections(this);

    const w = this.model;
    const labels = workloadLabels(w.tenant, w.name);
    const metadata = { name: w.name, namespace: w.tenant, labels };
    const volumes = w.writablePaths.map((path) => ({ name: volumeNameFor(path), path }));
    const probePort = w.ports.find((p) => p.protocol === 'TCP');

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata,
      spec: {
        replicas: w.replicas,
        revisionHistoryLimit: 3,
        selector: { matchLabels: { [WORKLOAD_LABEL]: w.name } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: w.user,
              runAsGroup: w.user,
              fsGroup: w.user,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: w.name,
                image: w.image,
                ...(w.command ? { command: [...w.command] } : {}),
                ...(w.args ? { args: [...w.args] } : {}),
                ports: w.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
                ...nonEmpty('env', w.env.map((e) =>
                  'value' in e ? { name: e.name, value: e.value } : { name: e.name, valueFrom: { secretKeyRef: { ...e.secretKeyRef } } },
                )),
                resources: {
                  requests: { cpu: k8s.Quantity.fromString(w.resources.requests.cpu), memory: k8s.Quantity.fromString(w.resources.requests.memory) },
                  limits: { cpu: k8s.Quantity.fromString(w.resources.limits.cpu), memory: k8s.Quantity.fromString(w.resources.limits.memory) },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
                ...(probePort ? { readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(probePort.name) }, periodSeconds: 10 } } : {}),
                ...nonEmpty('volumeMounts', volumes.map((v) => ({ name: v.name, mountPath: v.path }))),
              },
            ],
            ...nonEmpty('volumes', volumes.map((v) => ({ name: v.name, emptyDir: {} }))),
          },
        },
      },
    });

    if (w.ports.length) {
      this.service = new k8s.KubeService(this, 'service', {
        metadata,
        spec: {
          type: 'ClusterIP',
          selector: { [WORKLOAD_LABEL]: w.name },
          ports: w.ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: p.protocol })),
        },
      });
    }
    this.segmentation = new Segmentation(this, 'segmentation', { tenant: w.tenant, workload: w.name });
  }

  /** @internal The workload's NetworkPolicies. */
  _segmentation(): Segmentation {
    return this.segmentation;
  }

  /** @internal The workload's CiliumNetworkPolicy, created on first use (a workload that needs none gets none). */
  _ciliumPolicy(): CiliumPolicy {
    this.ciliumPolicy ??= new CiliumPolicy(this, 'cilium', { tenant: this.model.tenant, workload: this.name });
    return this.ciliumPolicy;
  }

  /** @internal */
  _members(): readonly WorkloadEnd[] {
    return [this];
  }

  /** @internal A workload stays what it is when connected. */
  _connected(): void {}
}

/** The props with every default applied, checked; errors name the construct. */
function resolve(scope: Construct, tenant: string, props: WorkloadProps): WorkloadModel {
  const fail = (message: string) => new RenderError(`${scope.node.path}: ${message}`);
  const name = props.name ?? scope.node.id;
  if (!DNS_1035.test(name) || name.length > MAX_WORKLOAD_NAME)
    throw fail(`workload name "${name}" must be a DNS-1035 label (lowercase letters, digits, dashes; a letter first) of at most ${MAX_WORKLOAD_NAME} characters`);
  if (!props.image) throw fail('a workload needs an image');
  const ports: ContainerPort[] = (props.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? 'TCP' }));
  const names = new Set<string>();
  const numbers = new Set<string>();
  for (const p of ports) {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw fail(`port ${p.name}: ${p.port} is not a port number (1 to 65535)`);
    if (names.has(p.name)) throw fail(`port name "${p.name}" is declared twice`);
    if (numbers.has(`${p.port}/${p.protocol}`)) throw fail(`port ${p.port}/${p.protocol} is declared twice`);
    names.add(p.name);
    numbers.add(`${p.port}/${p.protocol}`);
  }
  const replicas = props.replicas ?? DEFAULT_REPLICAS;
  if (!Number.isInteger(replicas) || replicas < 0) throw fail(`replicas must be a whole number, not ${replicas}`);
  const user = props.user ?? DEFAULT_USER;
  if (!Number.isInteger(user) || user < 1) throw fail(`user must be a non-root UID (a whole number above 0), not ${user}`);
  const writablePaths = [...(props.writablePaths ?? [])];
  const volumes = new Map<string, string>();
  for (const path of writablePaths) {
    if (!path.startsWith('/')) throw fail(`writable path "${path}" must be absolute`);
    const twin = volumes.get(volumeNameFor(path));
    if (twin !== undefined) throw fail(`writable path "${path}" ${twin === path ? 'is listed twice' : `gives the same volume name as "${twin}"`}`);
    volumes.set(volumeNameFor(path), path);
  }
  const resources: Resources = {
    requests: { ...DEFAULT_RESOURCES.requests, ...props.resources?.requests },
    limits: { ...DEFAULT_RESOURCES.limits, ...props.resources?.limits },
  };
  const env: EnvVar[] = Object.keys(props.env ?? {})
    .sort()
    .map((key) => {
      const v = props.env![key];
      return typeof v === 'string' ? { name: key, value: v } : { name: key, secretKeyRef: { ...v.secretKeyRef } };
    });
  return {
    tenant,
    name,
    id: `${tenant}/${name}`,
    image: props.image,
    ...(props.command ? { command: [...props.command] } : {}),
    ...(props.args ? { args: [...props.args] } : {}),
    ports,
    replicas,
    user,
    writablePaths,
    resources,
    env,
    origin: constructLocation(scope.node.path),
  };
}

/** Leaves a list out when it is empty, as `kubectl get -o yaml` would show it. */
function nonEmpty<K extends string, T>(key: K, items: T[]): { [P in K]?: T[] } {
  return (items.length ? { [key]: items } : {}) as { [P in K]?: T[] };
}
