/**
 * `bulkhead explain --from ns/a --to DEST --port PORT [--protocol TCP] PATH...`: why a connection is (not)
 * allowed. DEST is a workload (ns/name), an address, `fqdn:NAME` or `entity:NAME` (kube-apiserver, world,
 * ...); PORT a number, or a port name the destination workload declares.
 */
import { Command, Option } from 'commander';
import { explainConnection, loadManifestPaths, renderExplanation, withoutDeploymentHooks } from '../analysis';
import type { Protocol } from '../analysis';
import type { CliContext } from './context';
import { UsageError } from './errors';
import * as fs from 'node:fs';
import { checkPlatform } from '../intent/check';
import { formatLocation } from '../intent/diagnostics';
import { loadIntentsFile } from '../intent/load';
import { describeFlow } from '../verify/expected';
import { flowsBehind } from '../verify/flow-origin';

function renderedByBulkhead(o: { object: unknown }): boolean {
  const labels = (o.object as { metadata?: { labels?: Record<string, string> } })?.metadata?.labels;
  return labels?.['app.kubernetes.io/managed-by'] === 'bulkhead';
}

interface ExplainOptions {
  from: string;
  to: string;
  port: string;
  protocol: string;
  intents?: string;
  includeHooks?: boolean;
}

/** Exit status like `kubectl auth can-i`: 0 allowed, 1 denied (2 stays for errors). */
export const EXIT_DENIED = 1;

export function configure(command: Command, ctx: CliContext): void {
  command
    .requiredOption('--from <id>', 'source workload, namespace/name')
    .requiredOption('--to <dest>', 'destination: a workload (namespace/name), an address (203.0.113.7), fqdn:NAME or entity:NAME (e.g. entity:kube-apiserver)')
    .requiredOption('--port <port>', 'destination port: a number, or the name of a port the destination workload declares')
    .addOption(new Option('--protocol <protocol>', 'TCP, UDP or SCTP').default('TCP'))
    .option('--intents <file>', 'for manifests bulkhead rendered: the platform.yaml whose flow to name (default: ./platform.yaml if present)')
    .option('--include-hooks', 'also read Argo CD and Helm hooks (such as the connectivity probe Jobs), which run only around a sync')
    .argument('<paths...>', 'manifest files or directories (.yaml, .yml, .json)')
    .action((paths: string[], opts: ExplainOptions) => {
      const numbered = /^\d+$/.test(opts.port);
      const port = numbered ? Number(opts.port) : opts.port;
      if ((numbered && (Number(port) < 1 || Number(port) > 65535)) || (!numbered && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(opts.port)))
        throw new UsageError(`--port must be a number from 1 to 65535 or a port name (got ${opts.port})`);
      const protocol = opts.protocol.toUpperCase();
      if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') {
        throw new UsageError(`--protocol must be TCP, UDP or SCTP (got ${opts.protocol})`);
      }
      const loaded = loadManifestPaths(paths);
      const objects = opts.includeHooks ? loaded : withoutDeploymentHooks(loaded);
      const result = explainConnection(objects, { from: opts.from, to: opts.to, port, protocol: protocol as Protocol });
      const c = ctx.colors;
      ctx.io.stdout(`${renderExplanation(result, { good: c.green, bad: c.red, dim: c.dim })}\n`);
      const intents = opts.intents ?? (fs.existsSync('platform.yaml') ? 'platform.yaml' : undefined);
      if (result.allowed && result.ingress && intents && objects.some(renderedByBulkhead)) {
        const loaded = loadIntentsFile(intents);
        const flows = flowsBehind(checkPlatform(loaded.spec, loaded.source), result.from, result.to, result.port, protocol as Protocol);
        ctx.io.stdout(
          flows.length
            ? flows.map((f) => `intent: flow ${describeFlow(f)} at ${formatLocation(f.origin)}\n`).join('')
            : `intent: no flow in ${intents} declares this connection\n`,
        );
      }
      if (!result.allowed) ctx.exitCode = EXIT_DENIED;
    });
}
