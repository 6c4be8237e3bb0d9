/**
 * Validation of custom resources (Cilium, Gateway API, Argo CD) against the CRDs in ../shared/crds
 * (read there, never copied). Schemas are made strict about unknown fields: the API server would
 * silently prune them from a structural schema, so a misspelt field would vanish from the policy.
 */
import Ajv, { ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { strict } from './k8s-validate';
import { sharedPath } from './shared';

type Json = Record<string, unknown>;

let schemas: Map<string, Json> | undefined;
const compiled = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

interface Crd {
  spec: { group: string; names: { kind: string }; versions: Array<{ name: string; served: boolean; schema?: { openAPIV3Schema: Json } }> };
}

/** Compiles a kind's schema on first use: the Cilium CRDs alone are 0.4 MB each. */
function validator(gvk: string): ValidateFunction | undefined {
  if (!schemas) {
    schemas = new Map();
    const dir = sharedPath('crds');
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
      for (const doc of parseAllDocuments(fs.readFileSync(`${dir}/${file}`, 'utf8'))) {
        const crd = doc.toJS() as Crd | null;
        if (!crd?.spec?.versions) continue;
        for (const v of crd.spec.versions.filter((x) => x.served && x.schema)) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema!.openAPIV3Schema);
      }
    }
  }
  const schema = schemas.get(gvk);
  if (!schema) return undefined;
  if (!compiled.has(gvk)) compiled.set(gvk, ajv.compile(strict(goPatterns(schema)) as Json));
  return compiled.get(gvk);
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
