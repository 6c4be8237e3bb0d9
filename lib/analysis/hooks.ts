/**
 * Deployment hooks: objects that Argo CD (`argocd.argoproj.io/hook`) or Helm (`helm.sh/hook`) create
 * around a sync and then delete, such as bulkhead's own connectivity probe Jobs (PostSync). They are
 * not part of what runs between syncs, so the commands that say who can reach whom leave them out unless
 * asked (`--include-hooks`); the analyzer itself reads whatever it is given.
 */
import type { SourcedObject } from './load';

const HOOK_ANNOTATIONS = ['argocd.argoproj.io/hook', 'helm.sh/hook'];

export function isDeploymentHook(object: unknown): boolean {
  const annotations = (object as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata?.annotations;
  return typeof annotations === 'object' && annotations !== null && HOOK_ANNOTATIONS.some((a) => annotations[a] !== undefined);
}

export function withoutDeploymentHooks(objects: readonly SourcedObject[]): SourcedObject[] {
  return objects.filter((o) => !isDeploymentHook(o.object));
}
