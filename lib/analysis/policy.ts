/**
 * The internal contract between policy kinds and the evaluation engine.
 *
 * A policy kind (today only networking.k8s.io/v1 NetworkPolicy) compiles each of its objects into
 * "isolates these workloads in these directions" plus allow rules "peers Y on ports P". The engine and
 * `explain` only see this shape, so a new kind (CiliumNetworkPolicy, Gateway routes) adds a compiler here,
 * not a new evaluator. Deny rules (Cilium `ingressDeny`/`egressDeny`) are meant to arrive as rules with an
 * `effect: 'deny'` that the engine subtracts after the allow union; they are not modelled yet.
 */
import type { Cluster, Workload } from './cluster';
import type { SourceLocation } from './errors';
import type { Cidr } from './ip';
import type { PortMap, Protocol } from './ports';

export type Direction = 'ingress' | 'egress';
export const DIRECTIONS: readonly Direction[] = ['egress', 'ingress'];

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

export type Peer =
  /** No peer list: every workload and every external address. */
  | { type: 'any'; index: null }
  /** Workloads chosen by selectors; `members` ascending workload numbers. */
  | { type: 'selector'; index: number; members: readonly number[]; description: string; whyNot: (w: Workload) => string }
  /** Addresses; `members` are the workloads whose declared IPs fall inside. */
  | { type: 'ipBlock'; index: number; members: readonly number[]; cidr: Cidr; except: readonly Cidr[]; description: string; whyNot: (w: Workload) => string };

export interface CompiledRule {
  direction: Direction;
  /** Index within the policy's rule list for that direction (as written). */
  index: number;
  peers: readonly Peer[];
  ports: PortSpec;
}

export interface CompiledPolicy {
  ref: PolicyRef;
  /** Workloads the policy applies to, ascending. */
  subjects: readonly number[];
  /** Directions in which the policy isolates its subjects (and whose rules count). */
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
  compile(manifest: SourcedManifest, cluster: Cluster): CompiledPolicy;
}
