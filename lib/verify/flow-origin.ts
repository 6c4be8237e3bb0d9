/**
 * The flows behind an allowed connection, for `bulkhead explain` on bulkhead's own output: the
 * analyzer says which rule allows it, this says which intent asked for it. The caller loads and
 * checks the intents (verification reads only the model, never platform.yaml).
 */
import { PortMap, Protocol, portsContain } from '../analysis';
import { Flow, Platform, forCluster } from '../model/platform';
import { expectedConnectivity, pairKey } from './expected';

export function flowsBehind(platform: Platform, from: string, to: string, port: number, protocol: Protocol): Flow[] {
  // Flows and ports do not vary by cluster (overrides change images, replicas, resources, env only).
  const expectation = expectedConnectivity(forCluster(platform, platform.clusters[0]));
  const pair = expectation.pairs.get(pairKey(from, to));
  if (!pair || !portsContain(pair.ports as PortMap, port, protocol)) return [];
  return pair.flows;
}
