/**
 * Label keys and values as Kubernetes validates them (apimachinery `IsQualifiedName`, `IsValidLabelValue`),
 * and the keys a tenant may not set on its namespace.
 *
 * Keys under `kubernetes.io/` and `k8s.io/` (and their subdomains, e.g. `pod-security.kubernetes.io/`)
 * belong to Kubernetes: `kubernetes.io/metadata.name` is set by the API server to the namespace's name
 * whatever the manifest says (Argo CD then shows the Namespace out of sync forever), and the Pod Security
 * labels are bulkhead's (`restricted` on every tenant). `bulkhead.dev/` keys are bulkhead's own: the
 * policies select tenants and workloads by them.
 */
import { FieldPath } from './diagnostics';
import { RuleContext } from './rule-context';
import { PlatformSpec } from './types';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RESERVED = ['kubernetes.io', 'k8s.io', 'bulkhead.dev'];

export function checkLabels(spec: PlatformSpec, ctx: RuleContext): void {
  spec.tenants.forEach((t, i) => checkLabelMap(t.labels, ['tenants', i, 'labels'], ctx, true));
  (spec.guardrails ?? []).forEach((g, i) => {
    checkLabelMap(g.from.labels, ['guardrails', i, 'from', 'labels'], ctx, false);
    checkLabelMap(g.to.labels, ['guardrails', i, 'to', 'labels'], ctx, false);
  });
  checkLabelMap(spec.gitops?.fleet?.clusterLabels, ['gitops', 'fleet', 'clusterLabels'], ctx, false);
}

function checkLabelMap(labels: Record<string, string> | undefined, path: FieldPath, ctx: RuleContext, setsNamespaceLabels: boolean): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const at = [...path, key];
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) ctx.fail(at, `label key ${JSON.stringify(key)} is not valid: ${keyProblem}`, 'a key is an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or "." starting and ending with a letter or digit, e.g. example.com/data-class.', true);
    else if (setsNamespaceLabels) {
      const reserved = reservedPrefix(key);
      if (reserved) ctx.fail(at, `label key "${key}" uses the prefix ${reserved}/, which belongs to ${reserved === 'bulkhead.dev' ? 'bulkhead' : 'Kubernetes'}`, reservedHint(key, reserved), true);
    }
    const valueProblem = labelValueProblem(value);
    if (valueProblem) ctx.fail(at, `label value ${JSON.stringify(value)} is not valid: ${valueProblem}`, 'a value is empty or at most 63 letters, digits, "-", "_" or "." starting and ending with a letter or digit.');
  }
}

export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `the prefix "${prefix}" is not a lowercase DNS subdomain of at most 253 characters`;
  if (name.length === 0) return 'the name after the prefix is empty';
  if (name.length > 63) return `the name part is ${name.length} characters, at most 63`;
  if (!NAME.test(name)) return `the name part "${name}" may hold only letters, digits, "-", "_" and ".", and must start and end with a letter or digit`;
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (typeof value !== 'string') return 'it must be a string';
  if (value.length > 63) return `${value.length} characters, at most 63`;
  if (value !== '' && !NAME.test(value)) return 'it may hold only letters, digits, "-", "_" and ".", and must start and end with a letter or digit';
  return undefined;
}

/** The reserved domain a key's prefix is in (`kubernetes.io` for `pod-security.kubernetes.io/enforce`), if any. */
export function reservedPrefix(key: string): string | undefined {
  const slash = key.indexOf('/');
  if (slash < 0) return undefined;
  const prefix = key.slice(0, slash);
  return RESERVED.find((r) => prefix === r || prefix.endsWith(`.${r}`));
}

function reservedHint(key: string, reserved: string): string {
  if (key === 'kubernetes.io/metadata.name') return 'remove it: the API server sets it to the namespace name and overwrites any other value (Argo CD would show the Namespace out of sync forever).';
  if (key.startsWith('pod-security.kubernetes.io/')) return 'remove it: bulkhead enforces the restricted Pod Security Standard on every tenant namespace.';
  if (reserved === 'bulkhead.dev') return 'remove it: bulkhead sets its own labels, and policies select tenants and workloads by them.';
  return 'use a prefix of your own (e.g. example.com/data-class) or none; keys under kubernetes.io/ and k8s.io/ are reserved for Kubernetes.';
}
