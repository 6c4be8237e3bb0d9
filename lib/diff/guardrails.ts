/**
 * Guardrails judged by who they cover, not by what their selectors say. Every guardrail of the base is
 * evaluated against the base's tenants and against the head's: a workload that was on one of its sides in
 * the base and, under the same selector, is not in the head (its tenant relabelled, it moved to another
 * tenant, its tenant was renamed) has left the guardrail, although the guardrail's text did not change.
 * And an opened connection between workloads the base's guardrail kept apart crosses it, whatever the
 * head's guardrails say now.
 */
import { Guardrail, TenantSelector, describeSelector, selectsTenant } from '../model/platform';
import { GuardrailInfo, TenantView, guardrailInfo } from './intents';

export type GuardrailSide = 'from' | 'to';

export interface GuardrailDeparture extends GuardrailInfo {
  readonly side: GuardrailSide;
  /** The base tenant the workloads belonged to. */
  readonly tenant: string;
  /** The tenant's name when all of its workloads on that side left for the same reason, else their ids. */
  readonly subject: string;
  /** Base ids of the workloads that left. */
  readonly workloads: string[];
  /** `label data-class phi -> restricted`, `moved to tenant research, which has data-class=public`, ... */
  readonly reason: string;
  /** `patient-data no longer protected by billing-never-reaches-phi: label data-class phi -> restricted`. */
  readonly message: string;
  /** The base's clusters: every cluster the guardrail applied to. */
  readonly clusters: string[];
}

/** A base guardrail an opened connection crosses: its name, rule, control and base position. */
export type GuardrailCrossing = GuardrailInfo;

interface Sides {
  readonly from: ReadonlySet<string>;
  readonly to: ReadonlySet<string>;
}

/** Workload ids (`tenant/name`) of the tenants a selector picks. */
function members(selector: TenantSelector, tenants: readonly TenantView[]): Set<string> {
  const out = new Set<string>();
  for (const t of tenants) if (selectsTenant(selector, t)) for (const w of t.workloads) out.add(`${t.name}/${w}`);
  return out;
}

const tenantOf = (id: string) => id.slice(0, id.indexOf('/'));
const nameOf = (id: string) => id.slice(id.indexOf('/') + 1);

/**
 * Where each base workload is in the head: `known` first (renames and moves the analyzer matched on the
 * rendered output), then the same id, then a move by name in the intents (one workload of that name gone
 * from one tenant, one new in another). Absent: the workload is gone.
 */
export function identityOf(base: readonly TenantView[], head: readonly TenantView[], known: ReadonlyMap<string, string>): Map<string, string> {
  const ids = (ts: readonly TenantView[]) => ts.flatMap((t) => t.workloads.map((w) => `${t.name}/${w}`));
  const baseIds = ids(base);
  const headIds = new Set(ids(head));
  const baseSet = new Set(baseIds);
  const taken = new Set(known.values());
  const out = new Map<string, string>();
  const gone: string[] = [];
  for (const id of baseIds) {
    const to = known.get(id) ?? (headIds.has(id) ? id : undefined);
    if (to) out.set(id, to);
    else gone.push(id);
  }
  const byName = (list: readonly string[]) => {
    const m = new Map<string, string[]>();
    for (const id of list) m.set(nameOf(id), [...(m.get(nameOf(id)) ?? []), id]);
    return m;
  };
  const arrivals = byName([...headIds].filter((id) => !baseSet.has(id) && !taken.has(id)));
  for (const [name, from] of byName(gone)) {
    const to = arrivals.get(name);
    if (from.length === 1 && to?.length === 1) out.set(from[0], to[0]);
  }
  return out;
}

export class GuardrailMembership {
  private readonly before: Map<string, Sides>;
  private readonly after: Map<string, Sides>;

  /** `guardrails` are the base's; membership before uses the base's tenants, after the head's. */
  constructor(
    private readonly guardrails: readonly Guardrail[],
    private readonly baseTenants: readonly TenantView[],
    private readonly headTenants: readonly TenantView[],
  ) {
    const sides = (tenants: readonly TenantView[]) => new Map(guardrails.map((g) => [g.name, { from: members(g.from, tenants), to: members(g.to, tenants) }]));
    this.before = sides(baseTenants);
    this.after = sides(headTenants);
  }

  /** Workloads that left a side of a base guardrail while still existing in the head (`identity`: base id to head id). */
  departures(identity: ReadonlyMap<string, string>, clusters: readonly string[]): GuardrailDeparture[] {
    const baseTenant = new Map(this.baseTenants.map((t) => [t.name, t]));
    const headTenant = new Map(this.headTenants.map((t) => [t.name, t]));
    const out: GuardrailDeparture[] = [];
    for (const g of this.guardrails) {
      for (const side of ['from', 'to'] as const) {
        const before = this.before.get(g.name)![side];
        const after = this.after.get(g.name)![side];
        // Grouped by base tenant and reason, so that a relabelled tenant is one finding, not one per workload.
        const groups = new Map<string, { tenant: string; reason: string; workloads: string[] }>();
        for (const id of [...before].sort()) {
          const now = identity.get(id);
          if (now === undefined || after.has(now)) continue;
          const reason = this.reason(g[side], id, now, baseTenant, headTenant, identity);
          const key = `${tenantOf(id)}\0${reason}`;
          const group = groups.get(key) ?? { tenant: tenantOf(id), reason, workloads: [] };
          group.workloads.push(id);
          groups.set(key, group);
        }
        for (const { tenant, reason, workloads } of groups.values()) {
          const all = [...before].filter((id) => tenantOf(id) === tenant);
          const subject = all.length === workloads.length ? tenant : workloads.join(', ');
          const verb = side === 'to' ? 'protected' : 'restricted';
          out.push({ ...guardrailInfo(g), side, tenant, subject, workloads, reason, message: `${subject} no longer ${verb} by ${g.name}: ${reason}`, clusters: [...clusters] });
        }
      }
    }
    return out;
  }

  /** Why base workload `id`, now `now`, is no longer selected by `selector`. */
  private reason(selector: TenantSelector, id: string, now: string, baseTenant: ReadonlyMap<string, TenantView>, headTenant: ReadonlyMap<string, TenantView>, identity: ReadonlyMap<string, string>): string {
    const [from, to] = [tenantOf(id), tenantOf(now)];
    const was = baseTenant.get(from)!;
    const is = headTenant.get(to);
    const keys = Object.keys(selector.labels ?? {}).sort();
    const labels = keys
      .filter((k) => is?.labels[k] !== was.labels[k])
      .map((k) => (is?.labels[k] === undefined ? `label ${k} ${was.labels[k]} removed` : `label ${k} ${was.labels[k]} -> ${is.labels[k]}`));
    if (from === to) return labels.join(', ') || `no longer matches ${describeSelector(selector)}`;
    const has = keys.length ? `, which has ${keys.map((k) => (is?.labels[k] === undefined ? `no ${k} label` : `${k}=${is.labels[k]}`)).join(', ')}` : '';
    // Every workload of the base tenant went to one tenant that is new, and the old one is gone: a tenant rename.
    const renamed = !headTenant.has(from) && !baseTenant.has(to) && was.workloads.every((w) => tenantOf(identity.get(`${from}/${w}`) ?? '') === to);
    return renamed ? `tenant renamed to ${to}${has}` : `moved to tenant ${to} (now ${now})${has}`;
  }

  /**
   * The base guardrails that forbid `from -> to` (head ids): a side counts a workload when it was there in
   * the base (under its base id) or is there in the head under the base's selector.
   */
  crossedBy(from: string, to: string, baseIdOf: (headId: string) => string): GuardrailCrossing[] {
    const on = (g: Guardrail, side: GuardrailSide, id: string) => this.before.get(g.name)![side].has(baseIdOf(id)) || this.after.get(g.name)![side].has(id);
    return this.guardrails
      .filter((g) => (on(g, 'from', from) && on(g, 'to', to)) || (g.bidirectional && on(g, 'to', from) && on(g, 'from', to)))
      .map(guardrailInfo);
  }
}
