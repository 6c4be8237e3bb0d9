/** Names derived from intents, shared by the checker (which rejects collisions) and the constructs. */

/** The emptyDir volume that makes `path` writable: its name is derived from the path so the YAML reads well. */
export function volumeNameFor(path: string): string {
  const name = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return name || 'root';
}

/** Guardrail policies are named `guardrail-<name>`; reports find them by this prefix. */
export const GUARDRAIL_PREFIX = 'guardrail-';
