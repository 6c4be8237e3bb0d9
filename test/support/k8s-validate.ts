/**
 * Validation of rendered objects as the API server would do it: the Kubernetes 1.28 OpenAPI
 * definitions (from ../shared, never copied), made strict about unknown fields like
 * `kubectl apply --validate=strict`, plus the rules the schemas do not carry (port 0, endPort,
 * CIDRs, label and name syntax, selectors that must match their template).
 */
import { ValidateFunction } from 'ajv';
import { cachedValidator } from './ajv-cache';
import * as fs from 'node:fs';
import * as ipaddr from 'ipaddr.js';
import { POD_TEMPLATE } from './pod-security';
import { sharedPath } from './shared';

type Json = Record<string, unknown>;
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Json;


/**
 * Makes a schema refuse unknown fields, as `kubectl apply --validate=strict` would (and as structural
 * pruning would silently drop them). Branches of anyOf/oneOf/allOf/not only add constraints to the
 * object around them (Cilium's CRDs list `properties` there to say which field is required), so
 * they stay open at their own level.
 */
export function strict(schema: unknown, branch = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => strict(s, branch));
  if (!schema || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, strict(s)]));
    else if (k === 'anyOf' || k === 'oneOf' || k === 'allOf' || k === 'not') out[k] = strict(v, true);
    else out[k] = strict(v);
  }
  if (!branch && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

/** The definition of each `apiVersion/kind`; validators are compiled (or loaded from the cache) per kind on first use. */
function definitionsByGvk(): { definitions: Json; byGvk: Map<string, string> } {
  if (k8s) return k8s;
  const raw = JSON.parse(fs.readFileSync(sharedPath('schemas', 'k8s-v1.28.0-_definitions.json'), 'utf8')) as { definitions: Record<string, Json> };
  const definitions = strict(raw.definitions) as Record<string, Json>;
  const byGvk = new Map<string, string>();
  for (const [key, def] of Object.entries(definitions)) {
    for (const gvk of (def['x-kubernetes-group-version-kind'] as Array<{ group: string; version: string; kind: string }> | undefined) ?? []) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      byGvk.set(`${apiVersion}/${gvk.kind}`, key);
    }
  }
  return (k8s = { definitions: { $id: 'k8s', definitions }, byGvk });
}
let k8s: { definitions: Json; byGvk: Map<string, string> } | undefined;
const compiled = new Map<string, ValidateFunction>();

function validator(gvk: string): ValidateFunction | undefined {
  const { definitions, byGvk } = definitionsByGvk();
  const key = byGvk.get(gvk);
  if (!key) return undefined;
  if (!compiled.has(gvk)) compiled.set(gvk, cachedValidator(`k8s-${gvk}`, { $ref: `k8s#/definitions/${key}` }, [definitions]));
  return compiled.get(gvk);
}

/** Schema errors for `obj`, or a note that its kind is unknown to Kubernetes 1.28. */
export function schemaErrors(obj: K8sObject): string[] {
  const v = validator(`${obj.apiVersion}/${obj.kind}`);
  if (!v) return [`${obj.apiVersion} ${obj.kind} is not a Kubernetes 1.28 kind`];
  if (v(obj)) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const QUANTITY = /^[+-]?[0-9.]+([eE][0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

function labelErrors(where: string, labels: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    const name = k.includes('/') ? k.slice(k.indexOf('/') + 1) : k;
    if (!QUALIFIED_NAME.test(k) || name.length > 63 || (k.includes('/') && k.indexOf('/') > 253)) out.push(`${where}: invalid label key "${k}"`);
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) out.push(`${where}: invalid label value "${v}" for "${k}"`);
  }
  return out;
}

function selectorErrors(where: string, sel: Json | undefined): string[] {
  return sel ? labelErrors(`${where}.matchLabels`, sel.matchLabels as Record<string, string>) : [];
}

function portErrors(where: string, p: Json): string[] {
  const out: string[] = [];
  const port = p.port;
  if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(p.protocol as string)) out.push(`${where}: protocol ${p.protocol}`);
  if (typeof port === 'number' && (port < 1 || port > 65535 || !Number.isInteger(port))) out.push(`${where}: port ${port} out of range`);
  if (typeof port === 'string' && !IANA_SVC_NAME.test(port)) out.push(`${where}: "${port}" is not a port name (a quoted number is a name, and invalid)`);
  if (p.endPort !== undefined) {
    if (typeof port !== 'number') out.push(`${where}: endPort needs a numeric port`);
    else if ((p.endPort as number) < port || (p.endPort as number) > 65535) out.push(`${where}: endPort ${p.endPort} below port ${port}`);
  }
  return out;
}

function cidrErrors(where: string, block: Json): string[] {
  const cidr = block.cidr as string;
  if (!ipaddr.isValidCIDR(cidr)) return [`${where}: invalid cidr ${cidr}`];
  const outer = ipaddr.parseCIDR(cidr);
  return ((block.except as string[]) ?? []).flatMap((x) => {
    if (!ipaddr.isValidCIDR(x)) return [`${where}: invalid except ${x}`];
    const inner = ipaddr.parseCIDR(x);
    return inner[0].kind() === outer[0].kind() && inner[0].match(outer) && inner[1] > outer[1] ? [] : [`${where}: except ${x} not inside ${cidr}`];
  });
}

/** The API server's own rules that the OpenAPI schema does not express. */
export function apiRuleErrors(obj: K8sObject): string[] {
  const id = `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  const out: string[] = [];
  const nameRule = obj.kind === 'Service' || obj.kind === 'Namespace' ? DNS_1035 : DNS_LABEL;
  if (!nameRule.test(obj.metadata.name) || obj.metadata.name.length > 63) out.push(`${id}: invalid name`);
  out.push(...labelErrors(`${id} metadata.labels`, obj.metadata.labels));
  const spec = (obj.spec ?? {}) as Json;
  if (obj.kind === 'NetworkPolicy') {
    out.push(...selectorErrors(`${id} podSelector`, spec.podSelector as Json));
    for (const dir of ['ingress', 'egress'] as const) {
      ((spec[dir] as Json[]) ?? []).forEach((rule, i) => {
        ((rule.ports as Json[]) ?? []).forEach((p, j) => out.push(...portErrors(`${id} ${dir}[${i}].ports[${j}]`, p)));
        ((rule[dir === 'ingress' ? 'from' : 'to'] as Json[]) ?? []).forEach((peer, j) => {
          const w = `${id} ${dir}[${i}].peers[${j}]`;
          if (peer.ipBlock && (peer.podSelector || peer.namespaceSelector)) out.push(`${w}: ipBlock cannot be combined with selectors`);
          if (peer.ipBlock) out.push(...cidrErrors(w, peer.ipBlock as Json));
          out.push(...selectorErrors(`${w}.podSelector`, peer.podSelector as Json), ...selectorErrors(`${w}.namespaceSelector`, peer.namespaceSelector as Json));
        });
      });
    }
  }
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(obj.kind)) {
    // A Job's selector is generated by the API server; a CronJob's pods come from its job template.
    const selector = (spec.selector as Json)?.matchLabels as Record<string, string>;
    const template = POD_TEMPLATE[obj.kind](obj) as { metadata: { labels: Record<string, string> }; spec: Json };
    for (const [k, v] of Object.entries(selector ?? {})) if (template.metadata.labels[k] !== v) out.push(`${id}: selector ${k}=${v} does not match the template labels`);
    out.push(...labelErrors(`${id} template labels`, template.metadata.labels));
    for (const c of (template.spec.containers as Json[]) ?? []) {
      const names = new Set<string>();
      for (const p of (c.ports as Json[]) ?? []) {
        if ((p.containerPort as number) < 1 || (p.containerPort as number) > 65535) out.push(`${id}: containerPort ${p.containerPort}`);
        if (p.name !== undefined && (!IANA_SVC_NAME.test(p.name as string) || (p.name as string).length > 15)) out.push(`${id}: port name ${p.name}`);
        if (names.has(p.name as string)) out.push(`${id}: duplicate port name ${p.name}`);
        names.add(p.name as string);
      }
      const res = (c.resources ?? {}) as Record<string, Record<string, string>>;
      for (const group of Object.values(res)) for (const q of Object.values(group)) if (!QUANTITY.test(String(q))) out.push(`${id}: invalid quantity ${q}`);
    }
  }
  if (obj.kind === 'Service') {
    for (const p of (spec.ports as Json[]) ?? []) {
      out.push(...portErrors(`${id} ports`, { port: p.port, protocol: p.protocol }));
      if (typeof p.targetPort === 'string' && !IANA_SVC_NAME.test(p.targetPort)) out.push(`${id}: targetPort ${p.targetPort}`);
    }
  }
  return out;
}
