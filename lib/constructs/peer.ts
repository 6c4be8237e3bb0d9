/**
 * Destinations outside the cluster, for `connections.allowTo` (as the AWS CDK's `Peer`):
 *
 *   ledger.connections.allowTo(Peer.cidr('198.51.100.0/24'), [Port.tcp(443)]);
 *   invoicer.connections.allowTo(Peer.fqdn('api.stripe.com'), [Port.tcp(443)]);   // Cilium
 *   operator.connections.allowTo(Peer.kubeApiServer());                            // Cilium; the API server's port
 *
 * Each kind of destination is one case of the model's `EgressTarget`; `Connections` renders each
 * in exactly one place (see lib/README.md, "A new kind of egress").
 */
import * as ipaddr from 'ipaddr.js';
import { EgressTarget } from '../model/platform';
import { RenderError } from '../model/rendered';

export class Peer {
  /**
   * Addresses in a block, but not those in `except`. Write the network address (`203.0.113.0/24`,
   * not `203.0.113.7/24`) so the policy says what it opens.
   */
  static cidr(cidr: string, except: readonly string[] = []): Peer {
    const outer = ipaddr.parseCIDR(canonicalCidr(cidr));
    for (const x of except) {
      const inner = ipaddr.parseCIDR(canonicalCidr(x));
      if (inner[0].kind() !== outer[0].kind() || !inner[0].match(outer) || inner[1] <= outer[1]) throw new RenderError(`${x} is not inside ${cidr}: every except block must be a smaller block within it`);
    }
    return new Peer({ kind: 'cidr', cidr: canonicalCidr(cidr), except: except.map(canonicalCidr) });
  }
  /** A DNS name, or a pattern such as `*.stripe.com` (Cilium `toFQDNs`: only the names' addresses are reachable). */
  static fqdn(name: string): Peer {
    if (!/^(\*\.)?([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\.?$/.test(name)) throw new RenderError(`"${name}" is not a DNS name or a *. pattern`);
    return new Peer({ kind: 'fqdn', fqdn: name });
  }
  /** The Kubernetes API server (Cilium's `kube-apiserver` entity). Ports default to the cluster's API server port. */
  static kubeApiServer(): Peer {
    return new Peer({ kind: 'entity', entity: 'kube-apiserver' });
  }

  /** @internal The model's form of a destination. */
  static fromTarget(target: EgressTarget): Peer {
    switch (target.kind) {
      case 'cidr':
        return Peer.cidr(target.cidr, target.except);
      case 'fqdn':
        return Peer.fqdn(target.fqdn);
      case 'entity':
        return Peer.kubeApiServer();
      default: {
        const unhandled: never = target;
        throw new Error(`unknown egress destination ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private constructor(
    /** The destination as the model says it. */
    public readonly target: EgressTarget,
  ) {}
}

/** The block as written, if it is a network address and prefix length (lowercase for IPv6). */
function canonicalCidr(text: string): string {
  if (!ipaddr.isValidCIDR(text)) throw new RenderError(`"${text}" is not a CIDR (write an address block such as 203.0.113.0/24)`);
  const parsed = ipaddr.parseCIDR(text);
  const network = (parsed[0].kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text)).toString();
  if (network !== parsed[0].toString()) throw new RenderError(`"${text}" has host bits set: write ${network}/${parsed[1]}`);
  return `${network}/${parsed[1]}`;
}
