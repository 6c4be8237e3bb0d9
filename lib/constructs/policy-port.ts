/**
 * A port that a NetworkPolicy rule opens. Named ports resolve on the destination pod, so a policy
 * that names `http` stays right when the number changes.
 *
 *   PolicyPort.named('http'); PolicyPort.named('dns', 'UDP'); PolicyPort.tcp(5432); PolicyPort.udp(53); PolicyPort.range(8000, 8100)
 */
import { k8s } from 'cdk8s-plus-28';
import { Protocol } from '../model/platform';

export class PolicyPort {
  /** A port name of the destination pod; `protocol` must be the one that port declares. */
  static named(name: string, protocol: Protocol = 'TCP'): PolicyPort {
    return new PolicyPort(`${protocol}:name:${name}`, { port: k8s.IntOrString.fromString(name), protocol });
  }
  static tcp(port: number): PolicyPort {
    return PolicyPort.range(port, port, 'TCP');
  }
  static udp(port: number): PolicyPort {
    return PolicyPort.range(port, port, 'UDP');
  }
  /** An inclusive range; a single port when `to` equals `from`. Protocol is always written out. */
  static range(from: number, to: number, protocol: Protocol = 'TCP'): PolicyPort {
    if (!Number.isInteger(from) || from < 1 || to > 65535 || to < from) throw new Error(`invalid port range ${from}-${to}`);
    const spec: k8s.NetworkPolicyPort = { port: k8s.IntOrString.fromNumber(from), protocol, ...(to > from ? { endPort: to } : {}) };
    return new PolicyPort(`${protocol}:${String(from).padStart(5, '0')}-${String(to).padStart(5, '0')}`, spec);
  }

  private constructor(
    /** Orders and de-duplicates ports: equal keys mean the same traffic. */
    public readonly key: string,
    private readonly spec: k8s.NetworkPolicyPort,
  ) {}

  /** @internal */
  _toKube(): k8s.NetworkPolicyPort {
    return this.spec;
  }
}
