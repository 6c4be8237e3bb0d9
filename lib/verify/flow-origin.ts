/**
 * The flows in platform.yaml behind an allowed connection, for `bulkhead explain` on bulkhead's own
 * output: the analyzer says which rule allows it, this says which intent asked for it.
 */
import { PortMap, Protocol, portsContain } from '../analysis';
import { checkPlatform } from '../intent/check';
import { loadIntentsFile } from '../intent/load';
import { Flow, forCluster } from '../model/platform';
import { expectedConnectivity, pairKey } from './expected';

export function flowsBehind(intentsFile: string, from: string, to: string, port: number, protocol: Protocol): Flow[] {
  const loaded = loadIntentsFile(intentsFile);
  const platform = checkPlatform(loaded.spec, loaded.source);
  // Flows and ports do not vary by cluster (overrides change images, replicas, resources, env only).
  const expectation = expectedConnectivity(forCluster(platform, platform.clusters[0]));
  const pair = expectation.pairs.get(pairKey(from, to));
  if (!pair || !portsContain(pair.ports as PortMap, port, protocol)) return [];
  return pair.flows;
}
