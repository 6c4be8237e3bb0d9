/**
 * JSON Schema validation of the intents, with errors turned into diagnostics a person can act on.
 * The schema (`schema/platform.schema.json`) is the published format: editors use it for completion,
 * bulkhead for the first check.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as schemaJson from '../../schema/platform.schema.json';
import { Diagnostic, FieldPath, formatPath } from './diagnostics';
import { closeMatch } from './names';
import { explainPattern } from './schema-hints';
import { SourceMap } from './source';

export const PLATFORM_SCHEMA: object = (schemaJson as { default?: object }).default ?? schemaJson;

/** The file the package's build compiles the validator into, beside this module's JavaScript (see schema-compile.ts). */
export const PRECOMPILED_VALIDATOR = './platform-schema-validator.js';

let compiled: ValidateFunction | undefined;
/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, precompiled when built */
function validator(): ValidateFunction {
  compiled ??= precompiled() ?? (require('./schema-compile') as typeof import('./schema-compile')).compileSchema();
  return compiled;
}

function precompiled(): ValidateFunction | undefined {
  try {
    return require(PRECOMPILED_VALIDATOR) as ValidateFunction;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (e as Error).message.includes(PRECOMPILED_VALIDATOR.slice(2))) return undefined;
    throw e;
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

export function validateAgainstSchema(value: unknown, source: SourceMap): Diagnostic[] {
  const validate = validator();
  if (validate(value)) return [];
  return explainErrors(validate.errors ?? [], value, source);
}

function toPath(instancePath: string): FieldPath {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let v: unknown = root;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

/**
 * `oneOf` alternatives produce one error per branch; keep the errors of the branch the value was
 * evidently meant for (an object for an object, a number for a number, ...), and drop the rest.
 */
function pickRelevant(errors: ErrorObject[], root: unknown): ErrorObject[] {
  // An `if`/`then` failure comes with the error of its `then` branch, which says what is missing.
  errors = errors.filter((e) => e.keyword !== 'if');
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  return errors.filter((e) => {
    if (e.keyword === 'oneOf') {
      // Keep the summary only when no branch error speaks for the value's own type.
      return !errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && branchMatchesType(o, root, e.instancePath));
    }
    for (const p of oneOfPaths) {
      if (e.instancePath === p || e.instancePath.startsWith(p + '/')) return branchMatchesType(e, root, p);
    }
    return true;
  });
}

function branchMatchesType(e: ErrorObject, root: unknown, oneOfPath: string): boolean {
  const v = valueAt(root, toPath(oneOfPath));
  const schema = e.parentSchema as { type?: string } | undefined;
  if (e.keyword === 'type') return false;
  if (e.instancePath !== oneOfPath) return typeof v === 'object' && v !== null; // errors inside an object branch
  if (typeof v === 'number') return schema?.type === 'integer';
  if (typeof v === 'string') return schema?.type === 'string';
  if (typeof v === 'object' && v !== null) return schema?.type === 'object';
  return false;
}

function explainErrors(errors: ErrorObject[], root: unknown, source: SourceMap): Diagnostic[] {
  const out = new Map<string, Diagnostic>();
  for (const e of pickRelevant(errors, root)) {
    const path = toPath(e.instancePath);
    const d = describe(e, path, root, source);
    const key = `${d.field}\u0000${d.message}`;
    if (!out.has(key)) out.set(key, d);
  }
  return [...out.values()];
}

function describe(e: ErrorObject, path: FieldPath, root: unknown, source: SourceMap): Diagnostic {
  const field = formatPath(path);
  const value = valueAt(root, path);
  const schema = (e.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      const allowed = Object.keys(schema.properties ?? {});
      // Only a field of this very object, and only a close one (see closeMatch): `kind` is not a typo of `env`.
      const guess = closeMatch(name, allowed);
      return {
        location: source.locate([...path, name], { key: true }),
        field: formatPath([...path, name]),
        message: `unknown field "${name}"`,
        hint: guess ? `did you mean "${guess}"? Allowed here: ${allowed.join(', ')}.` : allowed.length ? `remove it, or use one of the fields allowed here: ${allowed.join(', ')}.` : 'remove it.',
      };
    }
    case 'required': {
      const name = String(e.params.missingProperty);
      return {
        location: source.locate(path),
        field: formatPath([...path, name]),
        message: `missing required field "${name}"`,
        hint: `add "${name}" to ${field || 'the top level'}.`,
      };
    }
    case 'type': {
      const type = String(e.params.type);
      const numeric = (type === 'integer' || type === 'number') && typeof value === 'string' && /^[0-9]+$/.test(value);
      return {
        location: source.locate(path),
        field,
        message: `must be ${article(type)} (got ${show(value)})`,
        hint: numeric ? `remove the quotes: write ${value}.` : field ? `write ${field} as ${article(type)}.` : 'platform.yaml is one mapping (apiVersion, kind, metadata, clusters, tenants, ...), not a list or a single value; start from the example in the bulkhead repository.',
      };
    }
    case 'const':
      return { location: source.locate(path), field, message: `must be "${e.params.allowedValue}" (got ${show(value)})`, hint: `write ${field}: ${e.params.allowedValue}` };
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      const guess = typeof value === 'string' ? closeMatch(value, allowed) : undefined;
      return {
        location: source.locate(path),
        field,
        message: `must be one of ${allowed.join(', ')} (got ${show(value)})`,
        hint: guess ? `did you mean "${guess}"?` : undefined,
      };
    }
    case 'minimum':
    case 'maximum': {
      const s = e.parentSchema as { minimum?: number; maximum?: number };
      return {
        location: source.locate(path),
        field,
        message: `${show(value)} is out of range (${s.minimum ?? '-inf'} to ${s.maximum ?? '+inf'})`,
        hint: `use a number from ${s.minimum} to ${s.maximum}.`,
      };
    }
    case 'pattern':
    case 'maxLength':
    case 'minLength': {
      // A key of an object failing `propertyNames` (ajv reports the key's own error with `propertyName`).
      const key = (e as { propertyName?: string }).propertyName;
      if (key !== undefined) return invalidKey(path, key, schema, source);
      const specific = typeof value === 'string' ? explainPattern(e.schemaPath, value) : undefined;
      if (specific) return { location: source.locate(path), field, ...specific };
      return {
        location: source.locate(path),
        field,
        message: `${show(value)} is not valid here${e.keyword === 'maxLength' ? ` (${String(value).length} characters, at most ${e.params.limit})` : ''}`,
        hint: schema.description ?? (e.keyword === 'pattern' ? 'see schema/platform.schema.json for the accepted form.' : e.keyword === 'maxLength' ? `shorten it to ${e.params.limit} characters.` : 'write a value.'),
      };
    }
    case 'propertyNames':
      return invalidKey(path, String(e.params.propertyName), valueSchemaAt(e), source);
    case 'minItems':
      return { location: source.locate(path), field, message: `needs at least ${e.params.limit} item(s)`, hint: `add an entry to ${field}.` };
    case 'oneOf': {
      // Branches that only require one field each ("exactly one of cidr, fqdn, entity"): say which were given.
      const branches = ((e.parentSchema as { oneOf?: Array<{ required?: string[] }> }).oneOf ?? []).map((b) => (b.required?.length === 1 ? b.required[0] : undefined));
      if (branches.length && branches.every(Boolean) && value && typeof value === 'object') {
        const given = branches.filter((b) => b! in (value as object)) as string[];
        return {
          location: source.locate(given.length > 1 ? [...path, given[1]] : path, { key: given.length > 1 }),
          field: given.length > 1 ? formatPath([...path, given[1]]) : field,
          message: given.length ? `has both ${given.join(' and ')}; write exactly one of ${branches.join(', ')}` : `needs one of ${branches.join(', ')}`,
          hint: schema.description ?? 'use one entry per destination.',
        };
      }
      return {
        location: source.locate(path),
        field,
        message: `${show(value)} is not any of the accepted forms`,
        hint: schema.description ?? 'see schema/platform.schema.json for the accepted forms.',
      };
    }
    default:
      return { location: source.locate(path), field, message: e.message ?? 'is invalid' };
  }
}

function invalidKey(path: FieldPath, key: string, schema: { description?: string }, source: SourceMap): Diagnostic {
  return {
    location: source.locate([...path, key], { key: true }),
    field: formatPath([...path, key]),
    message: `has an invalid key ${JSON.stringify(key)}`,
    hint: schema.description ?? 'keys here must be valid label, variable or cluster names.',
  };
}

/** The schema of the object whose keys failed (for its description). */
function valueSchemaAt(e: ErrorObject): { description?: string } {
  return (e.parentSchema ?? {}) as { description?: string };
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
