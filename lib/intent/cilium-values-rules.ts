// Moved to lib/model/cilium-values-rules.ts: the constructs check the values they render against the
// same rules and may not import intent. Re-exported here for code that imports them from intent.
export * from '../model/cilium-values-rules';
