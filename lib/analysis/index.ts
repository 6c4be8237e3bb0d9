/**
 * Independent connectivity analyzer for NetworkPolicy, CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy,
 * plus Gateway API routes (HTTPRoute attachment, backends, reachability from the gateway).
 * It reads manifests as plain objects and shares no code with the compiler (lib/intent, lib/model,
 * lib/constructs), so it can check the compiler's output.
 */
import { Connectivity, computeConnectivity } from './engine';
import { buildInventory } from './inventory';
import type { SourcedObject } from './load';

export { AnalysisInputError } from './errors';
export type { SourceLocation } from './errors';
export { loadManifestPaths, parseManifestText } from './load';
export { isDeploymentHook, withoutDeploymentHooks } from './hooks';
export type { SourcedObject } from './load';
export { externalDestination } from './engine';
export type { CidrExternal, Connection, Connectivity, EntityExternal, ExternalConnection, FqdnExternal, L7Restriction, WorkloadInfo } from './engine';
export type { Direction, HttpRule, PolicyRef } from './policy';
export { explain, explainConnection, renderExplanation, formatPolicyRef, formatHttp } from './explain';
export { parseDestination } from './explain-external';
export type { ExternalDestination } from './explain-external';
export type { ExplainQuery, Explanation, ExternalExplanation, RenderStyle, RuleAllow, RuleDeny, RuleMiss, SideExplanation } from './explain';
export { ConnectivityMatrix, allowedPorts, isAllowed, matrixOf } from './matrix';
export { connectivityToJson, connectivityToMarkdown, connectivityToText, externalAddress } from './format';
export { estimatePolicyMap, ALWAYS_INSTALLED_ENTRIES } from './policy-map';
export { denyCoverage } from './deny-coverage';
export type { BlockCoverage, DenyCoverage, OpenPair } from './deny-coverage';
export type { PolicyMapEstimate } from './policy-map';
export * from './ports';
export { analyzeRoutes, intersectHostnames } from './gateway';
/**
 * The analyzer's compiled view (workloads, and each policy's subjects and rules with their peers), for tools
 * that must say which rule allowed what (bulkhead import). Read only: the engine computes connectivity from it.
 */
export { buildInventory, expandLists } from './inventory';
export type { Inventory } from './inventory';
export { resolve as resolveOnDestination } from './engine';
export type { CompiledPolicy, CompiledRule, ExternalTarget, SourcedManifest } from './policy';
export type { Workload as AnalyzedWorkload } from './cluster';
export type { BackendInfo, BackendWorkload, ExposedWorkload, RouteAnalysis, RouteInfo, RouteParent, RouteRule, UnusedGrant } from './gateway';

/** Allowed connections between the workloads in `objects` (and to/from outside addresses). */
export function analyze(objects: readonly SourcedObject[]): Connectivity {
  return computeConnectivity(buildInventory(objects));
}
