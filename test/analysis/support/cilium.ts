/** Builders for Cilium policies in analyzer tests (plain objects, as a manifest would hold them). */
export function cnp(id: string, spec: Record<string, unknown>): Record<string, unknown> {
  const [namespace, name] = id.split('/');
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace }, spec };
}

export function ccnp(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec };
}

/** `{ podSelector: {}, ... }` as the NetworkPolicy every namespace of a platform starts with. */
export const DEFAULT_DENY = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };

export const ALL_PORTS = { TCP: [[1, 65535]], UDP: [[1, 65535]], SCTP: [[1, 65535]] };
