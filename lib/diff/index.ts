/** `bulkhead diff`: connectivity, guardrail, exposure, resource and policy-cost changes between two bulkhead outputs. */
export { readSnapshot, readGitRef, gitContext, hasOutput } from './snapshot';
export type { Snapshot, GitContext } from './snapshot';
export { DiffInputError } from './errors';
export { diffSnapshots, describe, fails, FAIL_ON } from './diff';
export type { DiffOptions, DiffReport, ClusterDiff, FailOn, GuardrailDiff, Summary } from './diff';
export type { CompileOutput, CompileResult, HeadCheck } from './head-check';
export { toMarkdown, MARKER, MAX_COMMENT, JSON_ARTIFACT } from './markdown';
export { toText } from './text';
export { toJson, JSON_VERSION } from './json';
export { unifiedDiff } from './unified';
