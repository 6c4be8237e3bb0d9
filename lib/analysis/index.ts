/**
 * Independent NetworkPolicy connectivity analyzer. It reads manifests as plain objects and shares no code
 * with the compiler (lib/intent, lib/model, lib/constructs), so it can check the compiler's output.
 */
import { Connectivity, computeConnectivity } from './engine';
import { buildInventory } from './inventory';
import type { SourcedObject } from './load';

export { AnalysisInputError } from './errors';
export type { SourceLocation } from './errors';
export { loadManifestPaths, parseManifestText } from './load';
export type { SourcedObject } from './load';
export type { Connection, Connectivity, ExternalConnection, WorkloadInfo } from './engine';
export type { Direction, PolicyRef } from './policy';
export { explain, renderExplanation, formatPolicyRef } from './explain';
export type { ExplainQuery, Explanation, RenderStyle, RuleAllow, RuleMiss, SideExplanation } from './explain';
export { ConnectivityMatrix, allowedPorts, isAllowed, matrixOf } from './matrix';
export { connectivityToJson, connectivityToMarkdown, connectivityToText } from './format';
export * from './ports';

/** Allowed connections between the workloads in `objects` (and to/from outside addresses). */
export function analyze(objects: readonly SourcedObject[]): Connectivity {
  return computeConnectivity(buildInventory(objects));
}
