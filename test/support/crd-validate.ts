/**
 * Validation of custom resources (Cilium, Gateway API, Argo CD) against the CRDs in ../shared/crds
 * (read there, never copied). Schemas are made strict about unknown fields: the API server would
 * silently prune them from a structural schema, so a misspelt field would vanish from the policy.
 */
import { ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CACHE_DIR, cachedValidator, hashOf, writeWhole } from './ajv-cache';
import { strict } from './k8s-validate';
import { sharedPath } from './shared';

type Json = Record<string, unknown>;

let schemas: Map<string, Json> | undefined;
const compiled = new Map<string, ValidateFunction>();

interface Crd {
  spec: { group: string; names: { kind: string }; versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema: Json } }> };
}

/** Compiles a kind's schema on first use: the Cilium CRDs alone are 0.4 MB each. */
function validator(gvk: string): ValidateFunction | undefined {
  schemas ??= crdSchemas();
  const schema = schemas.get(gvk);
  if (!schema) return undefined;
  if (!compiled.has(gvk)) compiled.set(gvk, cachedValidator(`crd-${gvk}`, strict(goPatterns(schema)) as Json));
  return compiled.get(gvk);
}

/**
 * Every served version's schema by `group/version/kind`. Parsing the CRD files (megabytes of YAML)
 * costs more than the rest, so the index is kept in the cache as JSON, named by the files' contents.
 */
function crdSchemas(): Map<string, Json> {
  const dir = sharedPath('crds');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const texts = files.map((f) => fs.readFileSync(`${dir}/${f}`, 'utf8'));
  const cache = path.join(CACHE_DIR, `crd-index-${hashOf(...files, ...texts)}.json`);
  if (fs.existsSync(cache)) return new Map(Object.entries(JSON.parse(fs.readFileSync(cache, 'utf8')) as Record<string, Json>));
  const out = new Map<string, Json>();
  for (const text of texts)
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS() as Crd | null;
      if (!crd?.spec?.versions) continue;
      for (const v of crd.spec.versions.filter((x) => x.served && x.schema)) out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema!.openAPIV3Schema);
    }
  writeWhole(cache, JSON.stringify(Object.fromEntries(out)));
  return out;
}

/**
 * CRD patterns are Go (RE2) regular expressions; the API server evaluates them so. The one RE2 form
 * JavaScript reads differently is the one-letter Unicode class (`\\PC`, "not a control character"),
 * which JavaScript spells `\\P{C}`.
 */
function goPatterns(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(goPatterns);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as Json).map(([k, v]) => [k, k === 'pattern' && typeof v === 'string' ? v.replace(/\\([pP])([A-Z])/g, '\\$1{$2}') : k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, goPatterns(s)])) : goPatterns(v)]),
  );
}

/** Schema errors of a custom resource, or a note that no CRD in ../shared/crds defines its kind. */
export function crdErrors(obj: { apiVersion: string; kind: string } & Json): string[] {
  const v = validator(`${obj.apiVersion}/${obj.kind}`);
  if (!v) return [`no CRD in ../shared/crds serves ${obj.apiVersion} ${obj.kind}`];
  if (v(obj)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
}
