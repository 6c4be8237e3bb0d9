/** `bulkhead diff`: connectivity, guardrail, resource and policy-cost changes between two bulkhead outputs. */
export { readSnapshot, readGitRef, gitContext, hasOutput } from './snapshot';
export type { Snapshot, GitContext } from './snapshot';
export { diffSnapshots, describe, fails, FAIL_ON } from './diff';
export type { DiffReport, ClusterDiff, FailOn, GuardrailDiff, Summary } from './diff';
export { toMarkdown, MARKER } from './markdown';
export { toText } from './text';
export { toJson, JSON_VERSION } from './json';
export { unifiedDiff } from './unified';
