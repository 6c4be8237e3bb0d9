/**
 * `ApiObject.toJson()` without the cost of cdk8s's generic resolve walk. cdk8s resolves every value of
 * every object through `resolve()`, which looks the App up again (a walk to the root of the construct
 * tree) and allocates a context and a key path for every leaf, then runs each resolver on it; for the
 * plain data bulkhead's constructs hold, that walk was most of the cost of `toJson()`.
 *
 * `withFastToJson(fn)` runs `fn` with `ApiObject.prototype.toJson` replaced by an equivalent that does the
 * same steps (metadata, resolve, sanitize with sorted keys, JSON patches, apiVersion/kind/metadata first)
 * with the App's three built-in resolvers inlined (Lazy, implicit tokens with a `resolve()` method,
 * number-or-string unions such as IntOrString and Quantity), in their order. Generated classes
 * (`KubeDeployment`, `CiliumNetworkPolicy`, ...) call it through `super.toJson()` and add their
 * GVK and field mapping as before, so every object renders exactly as `toJson()` renders it. An App
 * with other resolvers, or an object whose metadata is not cdk8s's own, takes cdk8s's path unchanged.
 * The original is back in place when `fn` returns or throws.
 */
import { ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { IConstruct } from 'constructs';

type Json = Record<string, unknown>;

const BUILT_IN = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver] as const;

/** Whether the App's resolvers are exactly the three built-in ones, unmodified. */
function builtInResolversOnly(app: App): boolean {
  const resolvers = (app as { resolvers?: unknown }).resolvers;
  return (
    Array.isArray(resolvers) &&
    resolvers.length === BUILT_IN.length &&
    resolvers.every((r, i) => Object.getPrototypeOf(r) === BUILT_IN[i].prototype && r.resolve === BUILT_IN[i].prototype.resolve && !Object.prototype.hasOwnProperty.call(r, 'resolve'))
  );
}

interface SanitizeOptions {
  readonly filterEmptyArrays?: boolean;
  readonly filterEmptyObjects?: boolean;
  readonly sortKeys?: boolean;
}

/**
 * `sanitizeValue(resolve(value))` in one pass: cdk8s's `resolve()` with the built-in resolvers in their
 * order (values replaced until none applies, then arrays and plain objects resolved element by element,
 * in insertion order), and cdk8s's `sanitizeValue()` on the result (null and undefined dropped from
 * objects, keys sorted, optionally empty arrays and objects dropped).
 */
function resolveSanitized(value: unknown, options: SanitizeOptions): unknown {
  for (;;) {
    if (value === null || value === undefined) return undefined;
    const type = typeof value;
    // No built-in resolver applies to a primitive (see primitivesAreInert).
    if (type !== 'object' && type !== 'function') return value;
    if (value instanceof Lazy) {
      value = value.produce();
      continue;
    }
    const v = value as { resolve?: unknown; constructor?: unknown; value?: unknown };
    if (typeof v.resolve === 'function') {
      value = (v.resolve as () => unknown).call(value);
      continue;
    }
    if (v.constructor !== Object) {
      const inner = typeof v.value;
      if (inner === 'number' || inner === 'string') {
        value = { value: v.value };
        continue;
      }
    }
    break;
  }
  if (typeof value !== 'object') return value; // a function: resolve and sanitize keep it
  if (Array.isArray(value)) {
    if (options.filterEmptyArrays && value.length === 0) return undefined;
    return value.map((x) => resolveSanitized(x, options));
  }
  if ((value as { constructor?: unknown }).constructor != Object) return sanitize(value, options);
  const obj = value as Json;
  const keys = Object.keys(obj);
  const values = keys.map((k) => resolveSanitized(obj[k], options));
  let order = keys.map((_, i) => i);
  if ((options.sortKeys ?? true) && !isSorted(keys)) order = order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const out: Json = {};
  let size = 0;
  for (const i of order) {
    if (values[i] == null) continue;
    out[keys[i]] = values[i];
    size++;
  }
  if (options.filterEmptyObjects && size === 0) return undefined;
  return out;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return false;
  return true;
}

/** cdk8s's `sanitizeValue()`, for what resolution leaves that is not plain data (it throws on class instances). */
function sanitize(obj: unknown, options: SanitizeOptions): unknown {
  if (obj == null) return undefined;
  if (typeof obj !== 'object') return obj;
  if (Array.isArray(obj)) {
    if (options.filterEmptyArrays && obj.length === 0) return undefined;
    return obj.map((x) => sanitize(x, options));
  }
  const name = (obj as { constructor: { name: string } }).constructor.name;
  if (name !== 'Object') throw new Error(`can't render non-simple object of type '${name}'`);
  const out: Json = {};
  const keys = options.sortKeys ?? true ? Object.keys(obj).sort() : Object.keys(obj);
  for (const key of keys) {
    const value = sanitize((obj as Json)[key], options);
    if (value != null) out[key] = value;
  }
  if (options.filterEmptyObjects && Object.keys(out).length === 0) return undefined;
  return out;
}

/**
 * The built-in resolvers look at `value.resolve` and `value.value`; on a string, number, boolean,
 * bigint or symbol those come from the primitive's prototype, where nobody defines them. Checked once
 * per render, to be exact rather than merely right in practice.
 */
function primitivesAreInert(): boolean {
  return [String, Number, Boolean, BigInt, Symbol].every((c) => !('resolve' in c.prototype) && !('value' in c.prototype));
}

const METADATA_OPTIONS: SanitizeOptions = { filterEmptyArrays: true, filterEmptyObjects: true };

/** `ApiObjectMetadataDefinition.toJson()`. */
function metadataJson(metadata: ApiObjectMetadataDefinition): unknown {
  const m = metadata as unknown as {
    _additionalAttributes: Json;
    name?: string;
    namespace?: string;
    annotations: Json;
    finalizers: string[];
    ownerReferences: unknown[];
    labels: Json;
  };
  return resolveSanitized(
    {
      ...m._additionalAttributes,
      name: m.name,
      namespace: m.namespace,
      annotations: m.annotations,
      finalizers: m.finalizers,
      ownerReferences: m.ownerReferences,
      labels: m.labels,
    },
    METADATA_OPTIONS,
  );
}

const originalToJson = ApiObject.prototype.toJson;
const originalMetadataToJson = ApiObjectMetadataDefinition.prototype.toJson;

/** Stands in for `ApiObject.prototype.toJson` inside `withFastToJson`. */
function fastToJson(this: ApiObject): unknown {
  if (!builtInResolversOnly(App.of(this as IConstruct) as App) || this.metadata.toJson !== originalMetadataToJson) return originalToJson.call(this);
  const self = this as unknown as { props: Json; patches: JsonPatch[] };
  try {
    const data = { ...self.props, metadata: metadataJson(this.metadata) };
    const json = resolveSanitized(data, { sortKeys: !process.env.CDK8S_DISABLE_SORT });
    // Without patches, JsonPatch.apply returns the document itself.
    const patched = (self.patches.length ? JsonPatch.apply(json, ...self.patches) : json) as Json;
    const result: Json = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) if (k in patched) result[k] = patched[k];
    return result;
  } catch (e) {
    throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`);
  }
}

/** Runs `fn` with the fast `toJson()` in place (see above); nested calls are fine. */
export function withFastToJson<T>(fn: () => T): T {
  const proto = ApiObject.prototype as { toJson: () => unknown };
  if (proto.toJson === fastToJson || proto.toJson !== originalToJson || !primitivesAreInert()) return fn();
  proto.toJson = fastToJson;
  try {
    return fn();
  } finally {
    proto.toJson = originalToJson;
  }
}
