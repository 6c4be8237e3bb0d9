/**
 * The ports a connection opens, as cdk8s-plus names them (`NetworkPolicyPort.tcp(80)`):
 *
 *   Port.named('http')          // a port name the destination declares; its protocol comes from there
 *   Port.tcp(5432); Port.udp(53); Port.sctp(9899)
 *   Port.range(8000, 8100)      // inclusive, TCP unless a protocol is given
 *
 * A named port stays a name in the rendered policies (each destination pod resolves its own number),
 * always with the protocol the destination declares it with.
 */
import { PortSelector, Protocol } from '../model/platform';
import { RenderError } from '../model/rendered';

export class Port {
  /** A port name of the destination workload(s). Only for connections between workloads. */
  static named(name: string): Port {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 15 || !/[a-z]/.test(name))
      throw new RenderError(`"${name}" is not a port name (an IANA_SVC_NAME: at most 15 lowercase letters, digits and dashes, with a letter)`);
    return new Port({ kind: 'named', name });
  }
  static tcp(port: number): Port {
    return Port.range(port, port, 'TCP');
  }
  static udp(port: number): Port {
    return Port.range(port, port, 'UDP');
  }
  static sctp(port: number): Port {
    return Port.range(port, port, 'SCTP');
  }
  /** Ports `from` to `to`, inclusive. */
  static range(from: number, to: number, protocol: Protocol = 'TCP'): Port {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65535 || to < from)
      throw new RenderError(`${from}-${to} is not a port range (whole numbers, 1 to 65535, the first not above the last)`);
    return new Port({ kind: 'range', protocol, from, to });
  }

  /** @internal The model's form of a port (`platform.yaml` says the same with a name or a number). */
  static fromSelector(selector: PortSelector): Port {
    switch (selector.kind) {
      case 'named':
        return Port.named(selector.name);
      case 'range':
        return Port.range(selector.from, selector.to, selector.protocol);
      default: {
        const unhandled: never = selector;
        throw new Error(`unknown port ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private constructor(
    /** The port as the model says it. */
    public readonly selector: PortSelector,
  ) {}
}
