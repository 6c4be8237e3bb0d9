/**
 * The internal contract between policy kinds and the evaluation engine.
 *
 * A policy kind (networking.k8s.io/v1 NetworkPolicy, cilium.io/v2 CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy) compiles each of its objects into "isolates these workloads in these
 * directions" plus rules "peers Y on ports P", each either an allow or a deny. The engine, `explain` and the
 * policy-map estimate only see this shape, so a new kind (Gateway routes) adds a compiler here, not a new
 * evaluator.
 *
 * Evaluation, per workload side (egress of the source, ingress of the destination):
 * - the side is isolated when any policy selecting the workload lists the direction in `isolates`;
 * - allowed = everything when not isolated, else the union of the allow rules (of every policy selecting the
 *   workload, isolating or not) in that direction;
 * - then minus the union of the deny rules of every policy selecting the workload, isolated or not.
 */
import type { Cluster, Workload } from './cluster';
import type { SourceLocation } from './errors';
import type { Cidr } from './ip';
import type { PortMap, PortRange, Protocol } from './ports';

export type Direction = 'ingress' | 'egress';
export const DIRECTIONS: readonly Direction[] = ['egress', 'ingress'];

export type Effect = 'allow' | 'deny';

export interface PolicyRef {
  kind: string;
  /** Absent for cluster-scoped kinds. */
  namespace?: string;
  name: string;
  source: SourceLocation;
}

export interface NamedPort {
  name: string;
  protocol: Protocol;
}

/**
 * Ports of a rule. Named ports depend on the destination workload (they resolve on its container ports,
 * name and protocol both), so they stay unresolved until a destination is known.
 */
export interface PortSpec {
  ranges: PortMap;
  named: readonly NamedPort[];
}

/** One Cilium L7 HTTP rule (`toPorts[].rules.http[]`); headers are not modelled. */
export interface HttpRule {
  method?: string;
  path?: string;
  host?: string;
}

/**
 * Ports one part of a rule opens (a Cilium `toPorts` entry, or the whole rule). `http` is set when that part
 * carries L7 HTTP rules, which restrict the traffic on those ports to matching requests.
 */
export interface Grant extends PortSpec {
  http?: readonly HttpRule[];
}

/**
 * A port as written in the rule, before ranges are merged (the policy-map estimate counts keys per entry).
 * Neither `range` nor `name`: every port of the protocol.
 */
export interface RawPort {
  protocol: Protocol;
  range?: PortRange;
  name?: string;
}

/** Something outside the workload set a peer reaches: reported in `Connectivity.external`. */
export type ExternalTarget =
  | { kind: 'cidr'; cidr: Cidr; except: readonly Cidr[] }
  | { kind: 'fqdn'; fqdn: string }
  | { kind: 'entity'; entity: string };

/** No peer restriction: every workload and every outside address. */
export interface AnyPeer {
  type: 'any';
  /** Index of the peer as written, or null when the rule has no peer list at all. */
  index: number | null;
  /** For explanations; default "any peer (rule has no peers)". */
  description?: string;
}

export interface MatchPeer {
  type: 'selector' | 'ipBlock' | 'cidr' | 'fqdn' | 'entity';
  index: number;
  /** Workloads the peer matches, ascending workload numbers. */
  members: readonly number[];
  /** Outside addresses (CIDRs, FQDNs, non-workload entities) the peer reaches. */
  external: readonly ExternalTarget[];
  /**
   * Peer identities neither `members` nor `external` stand for (e.g. the reserved identities inside Cilium's
   * `cluster` entity), as `entity:<name>` keys; only the policy-map estimate reads them.
   */
  identities?: readonly string[];
  description: string;
  whyNot(w: Workload): string;
}

export type Peer = AnyPeer | MatchPeer;

export interface CompiledRule {
  direction: Direction;
  effect: Effect;
  /** The list the rule is written in, e.g. `ingress`, `egressDeny`, `specs[1].ingress`. */
  section: string;
  /** Index within that list (as written). */
  index: number;
  /** ORed. Empty: the rule matches no peer. */
  peers: readonly Peer[];
  /** The union of `grants`. */
  ports: PortSpec;
  /** What the rule opens (or denies), part by part; L7 restrictions per part. */
  grants: readonly Grant[];
  /** The ports as written, for the policy-map estimate. */
  rawPorts: readonly RawPort[];
}

export interface CompiledPolicy {
  ref: PolicyRef;
  /** Workloads the policy applies to, ascending. */
  subjects: readonly number[];
  /** Directions in which the policy isolates its subjects (puts them in default deny). */
  isolates: readonly Direction[];
  rules: readonly CompiledRule[];
}

export interface SourcedManifest {
  object: Record<string, unknown>;
  source: SourceLocation;
}

export interface PolicyKind {
  /** Whether this kind handles the object (by apiVersion group and kind). */
  accepts(object: Record<string, unknown>): boolean;
  /** The namespace the object lives in (so the cluster knows it), or undefined when cluster-scoped. */
  namespaceOf(object: Record<string, unknown>): string | undefined;
  /** One object may compile to several policies (a Cilium policy's `specs`), or none. */
  compile(manifest: SourcedManifest, cluster: Cluster): CompiledPolicy[];
}
