/**
 * Rules for Cilium chart values that the chart's JSON schema does not catch: values that make the
 * chart fail, make Argo CD drift forever, contradict bulkhead's provider profile, or bypass the
 * settings bulkhead checks (the policy-map budget, Hubble relay for the UI). Each problem says why
 * (`message`) and what to write instead (`hint`).
 *
 * Three entry points:
 * - `ciliumValueProblems(values, { provider })`: the `cilium.values` a user wrote (paths inside
 *   `values`). With `scope: 'merged'` it checks the final values bulkhead renders instead: keys
 *   bulkhead owns are expected there, and the cross-field rules (UI needs relay, relay needs
 *   Hubble) apply.
 * - `ciliumSpecProblems(spec, { provider })`: a cluster's whole `cilium:` block (paths inside
 *   `cilium:`): the settings, the values, and how they combine. This is what the checker needs.
 */
import { Provider } from './platform';

/** What the spec rules read of a cluster's `cilium:` block (the intent format's `CiliumSpec` fits it). */
export interface CiliumSpecInput {
  readonly hubble?: { readonly relay?: boolean; readonly ui?: boolean };
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface ValueProblem {
  /** Path inside `values` (for `ciliumSpecProblems`: inside the cluster's `cilium:`). */
  readonly path: Array<string | number>;
  readonly message: string;
  readonly hint: string;
  /** Point at the key rather than the value. */
  readonly key?: boolean;
}

export interface CiliumValueContext {
  readonly provider: Provider;
  /**
   * `user` (default): values written under `cilium.values`, before bulkhead merges them.
   * `merged`: the values bulkhead renders (profile, settings and user values merged).
   */
  readonly scope?: 'user' | 'merged';
}

type Path = readonly string[];
type Values = Readonly<Record<string, unknown>>;

/** Values bulkhead sets from a dedicated platform.yaml field, and why a second place to say them is refused. */
export const OWNED_CILIUM_VALUES: ReadonlyArray<{ readonly path: Path; readonly field: string; readonly why: string; readonly write: (v: unknown) => string }> = [
  {
    path: ['bpf', 'policyMapMax'],
    field: 'cilium.policyMapMax',
    why: 'it is the budget bulkhead checks its policy-map estimates against; set here, the check would compare with one number while Cilium runs with another',
    write: (v) => `policyMapMax: ${show(v)}`,
  },
  {
    path: ['policyEnforcementMode'],
    field: 'cilium.policyEnforcementMode',
    why: 'bulkhead verifies and reports connectivity for the declared mode; set here, the reports would describe another mode than the cluster runs',
    write: (v) => `policyEnforcementMode: ${show(v)}`,
  },
  {
    path: ['hubble', 'relay', 'enabled'],
    field: 'cilium.hubble.relay',
    why: 'bulkhead derives Hubble Relay from cilium.hubble and checks that the UI has its relay; set here, that check is bypassed',
    write: (v) => `hubble: { relay: ${show(v)} }`,
  },
  {
    path: ['hubble', 'ui', 'enabled'],
    field: 'cilium.hubble.ui',
    why: 'bulkhead derives the Hubble UI from cilium.hubble and checks that it has its relay; set here, that check is bypassed',
    write: (v) => `hubble: { ui: ${show(v)} }`,
  },
];

/** Objects bulkhead's profile writes keys into: a scalar, list or null there would drop them all. */
const PROFILE_OBJECTS: readonly Path[] = [
  ['bpf'],
  ['eni'],
  ['gatewayAPI'],
  ['gatewayAPI', 'gatewayClass'],
  ['hubble'],
  ['hubble', 'relay'],
  ['hubble', 'tls'],
  ['hubble', 'tls', 'auto'],
  ['hubble', 'ui'],
  ['ipam'],
  ['k8sClientRateLimit'],
  ['l2announcements'],
  ['operator'],
];

const TLS_METHODS = ['cronJob', 'certmanager'];

export function ciliumValueProblems(values: Values, ctx: CiliumValueContext): ValueProblem[] {
  const merged = ctx.scope === 'merged';
  const problems: ValueProblem[] = [];
  const add = (path: Path, message: string, hint: string, key = false) => problems.push({ path: [...path], message, hint, key });
  const at = (path: Path) => lookup(values, path);

  for (const path of PROFILE_OBJECTS) {
    const found = at(path);
    if (found.present && !isPlainObject(found.value))
      add(
        path,
        `${dotted(path)}: ${show(found.value)} replaces the whole ${dotted(path)} object, and with it the keys bulkhead sets there` +
          (found.value === null ? ' (Helm reads null as "use the chart default")' : ''),
        `write the keys you mean under it, e.g. ${dotted(path)}: { someKey: value }, or remove it.`,
      );
  }

  const kpr = at(['kubeProxyReplacement']);
  if (kpr.present && !isBool(kpr.value))
    add(
      ['kubeProxyReplacement'],
      `kubeProxyReplacement takes only true or false since Cilium 1.16 ("strict", "partial" and "disabled" are gone); ` +
        `with ${show(kpr.value)} the chart stops with "kubeProxyReplacement must be explicitly set to a valid value (true or false)"`,
      'write kubeProxyReplacement: true (what "strict" meant), or remove the line: bulkhead already sets true.',
    );
  else if (kpr.present && String(kpr.value) === 'false')
    add(
      ['kubeProxyReplacement'],
      'kubeProxyReplacement: false leaves Services to kube-proxy, but the clusters bulkhead sets up have none ' +
        '(kind: kubeProxyMode: none; EKS: no kube-proxy add-on), so no Service would answer',
      'remove the line: bulkhead sets kubeProxyReplacement: true.',
    );
  const kprOn = !kpr.present || String(kpr.value) !== 'false';

  const apiServerHint =
    ctx.provider === 'kind'
      ? 'remove it: bulkhead writes k8sServiceHost from clusters[].apiServer.host (for kind, default <cluster>-control-plane).'
      : 'remove it: bulkhead writes k8sServiceHost from clusters[].apiServer.host (the EKS endpoint host, from aws eks describe-cluster).';
  const host = at(['k8sServiceHost']);
  if (host.present && host.value === 'auto')
    add(
      ['k8sServiceHost'],
      'k8sServiceHost: auto makes the chart find the API server with Helm lookup (the cluster-info ConfigMap), which Argo CD does not run ' +
        'when it renders the chart, so the agent gets no address and, without kube-proxy, cannot reach the API server',
      apiServerHint,
    );
  else if (host.present && (host.value === '' || host.value === null) && kprOn)
    add(
      ['k8sServiceHost'],
      'an empty k8sServiceHost with kubeProxyReplacement true leaves the Cilium agent no way to reach the API server (no kube-proxy routes the kubernetes Service)',
      apiServerHint,
    );
  else if (host.present && !merged)
    add(
      ['k8sServiceHost'],
      'bulkhead sets k8sServiceHost from clusters[].apiServer.host, which also gives egress to kube-apiserver its default port; a second place to say it could disagree with the first',
      `move it: apiServer: { host: ${show(host.value)} } on the cluster.`,
      true,
    );
  const port = at(['k8sServicePort']);
  if (port.present && !merged)
    add(
      ['k8sServicePort'],
      'bulkhead sets k8sServicePort from clusters[].apiServer.port, which is also the default port of egress to kube-apiserver; a second place to say it could disagree with the first',
      `move it: apiServer: { port: ${show(port.value)} } on the cluster.`,
      true,
    );
  if (at(['k8sServiceHostRef']).present)
    add(
      ['k8sServiceHostRef'],
      'k8sServiceHostRef reads the API server address from a ConfigMap and cannot be combined with k8sServiceHost, which bulkhead always sets',
      apiServerHint,
      true,
    );

  const method = at(['hubble', 'tls', 'auto', 'method']);
  if (method.present && method.value === 'helm')
    add(
      ['hubble', 'tls', 'auto', 'method'],
      'hubble.tls.auto.method: helm generates new Hubble certificates every time the chart is rendered, so Argo CD finds the Secrets changed on every refresh and the application stays OutOfSync',
      'write method: cronJob (bulkhead\'s default: a CronJob in the cluster creates and renews them) or method: certmanager (with hubble.tls.auto.certManagerIssuerRef).',
    );
  else if (method.present && !TLS_METHODS.includes(method.value as string))
    add(
      ['hubble', 'tls', 'auto', 'method'],
      `hubble.tls.auto.method ${show(method.value)} is not one the chart knows (helm, cronJob, certmanager)`,
      'write method: cronJob, or method: certmanager.',
    );

  const create = at(['gatewayAPI', 'gatewayClass', 'create']);
  if (create.present && create.value === 'auto')
    add(
      ['gatewayAPI', 'gatewayClass', 'create'],
      'gatewayClass.create: auto creates the GatewayClass only if Helm\'s capabilities list the Gateway API CRDs, which Argo CD may not know when it renders, so the class silently goes missing',
      'write create: "true" (a quoted string).',
    );
  else if (create.present && typeof create.value === 'boolean')
    add(
      ['gatewayAPI', 'gatewayClass', 'create'],
      `the chart's schema types gatewayAPI.gatewayClass.create as a string; an unquoted ${create.value} is a YAML boolean, which helm rejects`,
      `quote it: create: "${create.value}".`,
    );
  else if (create.present && create.value !== 'true' && create.value !== 'false')
    add(['gatewayAPI', 'gatewayClass', 'create'], `gatewayClass.create ${show(create.value)} is not one the chart knows ("true", "false", auto)`, 'write create: "true".');

  const ipamMode = at(['ipam', 'mode']);
  const eniEnabled = at(['eni', 'enabled']);
  if (ctx.provider === 'eks') {
    const why =
      "bulkhead's EKS profile runs Cilium in ENI mode (eni.enabled, ipam.mode: eni, routingMode: native: pods get VPC addresses from ENIs the operator attaches), " +
      'and the eksctl config it renders installs no VPC CNI to fall back on';
    const hint =
      'remove it. Other datapaths (overlay, or chaining behind the VPC CNI) need a cluster set-up bulkhead does not render; ' +
      'cni: generic is not the way out: it switches off everything that needs Cilium (FQDN egress, HTTP rules, guardrail deny rules) and renders no Cilium values.';
    if (ipamMode.present && ipamMode.value !== 'eni') add(['ipam', 'mode'], `ipam.mode: ${show(ipamMode.value)} contradicts ENI mode: ${why}`, hint);
    if (eniEnabled.present && eniEnabled.value !== true) add(['eni', 'enabled'], `eni.enabled: ${show(eniEnabled.value)} turns ENI mode off: ${why}`, hint);
    const routing = at(['routingMode']);
    if (routing.present && routing.value !== 'native') add(['routingMode'], `routingMode: ${show(routing.value)} contradicts ENI mode, which routes pod addresses natively in the VPC: ${why}`, hint);
  } else {
    const why = 'ENI mode takes pod addresses from AWS elastic network interfaces through the EC2 API; kind nodes are containers without ENIs, so no pod would get an address';
    const hint = "remove it: bulkhead's kind profile uses ipam.mode: kubernetes (pod CIDRs from the Node objects).";
    if (ipamMode.present && ipamMode.value === 'eni') add(['ipam', 'mode'], `ipam.mode: eni on kind: ${why}`, hint);
    if (eniEnabled.present && eniEnabled.value === true) add(['eni', 'enabled'], `eni.enabled: true on kind: ${why}`, hint);
  }

  if (!merged) {
    for (const owned of OWNED_CILIUM_VALUES) {
      const found = at(owned.path);
      if (found.present)
        add(owned.path, `${dotted(owned.path)} is set by bulkhead from ${owned.field}: ${owned.why}`, `remove it and write ${owned.write(found.value)} under cilium: instead.`, true);
    }
  } else {
    const hubbleOn = at(['hubble', 'enabled']);
    const relay = at(['hubble', 'relay', 'enabled']);
    const ui = at(['hubble', 'ui', 'enabled']);
    if (ui.value === true && relay.value !== true)
      add(['hubble', 'ui', 'enabled'], UI_WITHOUT_RELAY, 'set cilium.hubble.relay: true, or cilium.hubble.ui: false.');
    if ((relay.value === true || ui.value === true) && hubbleOn.present && hubbleOn.value === false)
      add(['hubble', 'enabled'], RELAY_WITHOUT_HUBBLE, HUBBLE_OFF_HINT);
  }
  return problems;
}

const UI_WITHOUT_RELAY = 'the Hubble UI reads flows only through Hubble Relay; with relay off it has nothing to show';
const RELAY_WITHOUT_HUBBLE = 'Hubble Relay and the UI collect flows from the Hubble server in each agent, which hubble.enabled: false turns off';
const HUBBLE_OFF_HINT = 'remove hubble.enabled: false, or turn relay and UI off with cilium.hubble: { relay: false, ui: false }.';

/**
 * Problems in a cluster's whole `cilium:` block, with paths inside it (`['values', 'kubeProxyReplacement']`,
 * `['hubble', 'ui']`): the value rules above plus the rules that need the settings and the values together.
 */
export function ciliumSpecProblems(spec: CiliumSpecInput, ctx: { readonly provider: Provider }): ValueProblem[] {
  const values = spec.values ?? {};
  const problems: ValueProblem[] = ciliumValueProblems(values, { provider: ctx.provider }).map((p) => ({ ...p, path: ['values', ...p.path] }));
  const relay = spec.hubble?.relay ?? true;
  const ui = spec.hubble?.ui ?? false;
  if (ui && !relay) problems.push({ path: ['hubble', 'ui'], message: UI_WITHOUT_RELAY, hint: 'set relay: true next to it, or ui: false.' });
  const hubbleOn = lookup(values, ['hubble', 'enabled']);
  if ((relay || ui) && hubbleOn.present && hubbleOn.value === false)
    problems.push({
      path: ['values', 'hubble', 'enabled'],
      message: `${RELAY_WITHOUT_HUBBLE}${spec.hubble?.relay === undefined ? ' (relay is on by default)' : ''}`,
      hint: HUBBLE_OFF_HINT,
    });
  return problems;
}

/** The value at `path`, if every object on the way has the key (an ancestor that is not an object is reported by its own rule). */
function lookup(values: Values, path: Path): { present: boolean; value: unknown } {
  let node: unknown = values;
  for (const part of path) {
    if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, part)) return { present: false, value: undefined };
    node = node[part];
  }
  return { present: true, value: node };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBool(v: unknown): boolean {
  return v === true || v === false || v === 'true' || v === 'false';
}

function dotted(path: Path): string {
  return path.join('.');
}

function show(v: unknown): string {
  if (typeof v === 'string') return /^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(v) && !['true', 'false', 'null', 'yes', 'no', 'on', 'off'].includes(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}
