/**
 * What the constructs must know about the cluster they render for: which CNI enforces policy (on
 * Cilium, the intents NetworkPolicy cannot say become Cilium policies; elsewhere they are errors,
 * never silently wider policies), where the API server is (the default port of kube-apiserver
 * egress), and Cilium's policy-map size (the budget `verify` checks).
 *
 *   ClusterSettings.set(app, { cni: 'generic' });   // before adding anything below `app`
 *   ClusterSettings.of(someTenant).cni;              // 'generic'
 *
 * Kept as construct context, so every construct below the scope reads it and nothing has to be
 * passed down by hand; a scope with no settings anywhere above it renders for a Cilium kind cluster.
 */
import { IConstruct } from 'constructs';
import { DEFAULT_CILIUM_VERSION, DEFAULT_KIND_API_SERVER_PORT, DEFAULT_POLICY_MAP_MAX } from '../model/defaults';
import { Cluster, Cni, PolicyEnforcementMode, Provider } from '../model/platform';
import { RenderError } from '../model/rendered';
import { constructLocation } from '../model/source-location';

export interface ClusterSettingsProps {
  /** The cluster's name (in messages). @default "cluster" */
  readonly name?: string;
  /** @default "kind" */
  readonly provider?: Provider;
  /** The CNI that enforces policy. @default "cilium" */
  readonly cni?: Cni;
  /**
   * The API server as pods reach it; its port is the default port of kube-apiserver egress.
   * @default kind: `<name>-control-plane:6443`; required on eks
   */
  readonly apiServer?: { readonly host: string; readonly port: number };
  /** Nodes (kind: control plane included). @default 1 on kind, 2 on eks */
  readonly nodes?: number;
  /** Cilium's `bpf.policyMapMax`: the policy-map budget `verify` checks. @default 16384 */
  readonly policyMapMax?: number;
  /** Cilium's policy enforcement mode. @default "default" */
  readonly policyEnforcementMode?: PolicyEnforcementMode;
}

const CONTEXT_KEY = 'bulkhead.dev/cluster';

export class ClusterSettings {
  /** Sets the cluster for `scope` and everything below it. Call it before adding children to `scope`. */
  static set(scope: IConstruct, props: ClusterSettingsProps = {}): Cluster {
    const cluster = resolve(scope, props);
    ClusterSettings.setResolved(scope, cluster);
    return cluster;
  }

  /** @internal Sets an already resolved cluster (bulkhead's platform.yaml front end). */
  static setResolved(scope: IConstruct, cluster: Cluster): void {
    if (scope.node.children.length)
      throw new RenderError(`${scope.node.path || '<app>'}: set the cluster settings before adding constructs below it`);
    scope.node.setContext(CONTEXT_KEY, cluster);
  }

  /** The cluster `scope` renders for: the nearest settings above it, or a Cilium kind cluster. */
  static of(scope: IConstruct): Cluster {
    return (scope.node.tryGetContext(CONTEXT_KEY) as Cluster | undefined) ?? DEFAULT_CLUSTER;
  }
}

function resolve(scope: IConstruct, props: ClusterSettingsProps): Cluster {
  const name = props.name ?? 'cluster';
  const provider = props.provider ?? 'kind';
  const cni = props.cni ?? 'cilium';
  const where = scope.node.path || '<app>';
  if (provider === 'eks' && !props.apiServer) throw new RenderError(`${where}: an EKS cluster needs apiServer (the endpoint host and port pods reach)`);
  if (cni !== 'cilium' && (props.policyMapMax !== undefined || props.policyEnforcementMode !== undefined))
    throw new RenderError(`${where}: policyMapMax and policyEnforcementMode are Cilium settings, but cni is ${cni}`);
  return {
    name,
    provider,
    nodes: props.nodes ?? (provider === 'kind' ? 1 : 2),
    apiServer: props.apiServer ?? { host: `${name}-control-plane`, port: DEFAULT_KIND_API_SERVER_PORT },
    cni,
    cilium:
      cni === 'cilium'
        ? {
            version: DEFAULT_CILIUM_VERSION,
            hubble: { relay: true, ui: false },
            policyEnforcementMode: props.policyEnforcementMode ?? 'default',
            policyMapMax: props.policyMapMax ?? DEFAULT_POLICY_MAP_MAX,
            values: {},
          }
        : undefined,
    origin: constructLocation(where),
  };
}

const DEFAULT_CLUSTER: Cluster = {
  name: 'cluster',
  provider: 'kind',
  nodes: 1,
  apiServer: { host: 'cluster-control-plane', port: DEFAULT_KIND_API_SERVER_PORT },
  cni: 'cilium',
  cilium: { version: DEFAULT_CILIUM_VERSION, hubble: { relay: true, ui: false }, policyEnforcementMode: 'default', policyMapMax: DEFAULT_POLICY_MAP_MAX, values: {} },
  origin: constructLocation('<default cluster>'),
};
