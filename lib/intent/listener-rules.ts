/**
 * Listener rules of one Gateway, as Gateway API v1.3.0 defines them (Gateway `spec.listeners`, "Distinct
 * Listeners" and "Compatible Listeners"): listeners sharing a protocol must differ in port or hostname, or
 * they are Conflicted and none of them is accepted; and one port serves either plaintext or TLS, so an
 * HTTP and an HTTPS listener cannot share it (Cilium reports such listeners as conflicted too). Errors are
 * reported at the second listener, naming the first.
 */
import { FieldPath, SourceLocation, formatLocation } from './diagnostics';
import { RuleContext } from './rule-context';
import { GatewaySpec } from './types';

export function checkListeners(g: GatewaySpec, path: FieldPath, ctx: RuleContext & { locate(path: FieldPath): SourceLocation }): void {
  const byPort = new Map<number, number[]>();
  g.listeners.forEach((l, i) => byPort.set(l.port, [...(byPort.get(l.port) ?? []), i]));
  for (const [port, indexes] of byPort) {
    indexes.forEach((i, n) => {
      const l = g.listeners[i];
      const at: FieldPath = [...path, 'listeners', i];
      for (const j of indexes.slice(0, n)) {
        const first = g.listeners[j];
        const where = formatLocation(ctx.locate([...path, 'listeners', j]));
        if (first.protocol !== l.protocol) {
          ctx.fail(at, `listener "${l.name}" (${l.protocol}) shares port ${port} with ${first.protocol} listener "${first.name}" (${where}); one port serves either plaintext HTTP or TLS`, 'give the listener another port (HTTP usually 80, HTTPS 443).');
          return;
        }
        if ((first.hostname ?? '') === (l.hostname ?? '')) {
          ctx.fail(
            at,
            `listener "${l.name}" takes ${l.protocol} on port ${port} ${l.hostname ? `for ${l.hostname}` : 'for every hostname'}, as listener "${first.name}" does (${where}); Gateway API marks both Conflicted and accepts neither`,
            'merge them into one listener, or give each a different hostname or port.',
          );
          return;
        }
      }
    });
  }
}
