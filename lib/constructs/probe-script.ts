/**
 * The POSIX sh script a probe Job runs (busybox sh and curl): one command per probe, one line of output
 * per probe, exit status non-zero when any probe finds something other than what the intents promise:
 *
 *   PASS flow web/frontend -> shop/api TCP/8080 expected open got open
 *   FAIL guardrail billing/invoicer -> phi/records TCP/8080 expected blocked got open
 *
 * How each outcome is read:
 * - TCP: curl connects with a 2 s connect timeout (3 s in all). A completed handshake (`time_connect`
 *   above zero) is `open`; a timeout is `blocked`, because Cilium and NetworkPolicy implementations drop
 *   denied packets silently by default; `refused` means the network let the packet through and nothing
 *   listened (or the Service had no ready pod): neither outcome a policy gives, so it fails either way.
 *   `telnet://` makes curl connect without sending a protocol of its own.
 * - DNS: busybox `nslookup` of the name through the pod's resolver, at most 5 s.
 * - HTTP: Cilium's proxy answers a request its rules do not admit with `403` and the body `Access denied`
 *   (`forbidden`); any other answer is `admitted`.
 */
import { Probe, describeProbe } from '../model/probes';

/** Seconds a probe may take at most (curl's --max-time, or the DNS timeout). */
export const probeSeconds = (p: Probe): number => (p.kind === 'dns' ? 5 : 3);

const PRELUDE = String.raw`# Connectivity probes rendered by bulkhead: see the README, "Connectivity probes".
set -u
failed=0
verdict() {
  if [ "$2" = "$3" ]; then echo "PASS $1 expected $2 got $3${'$'}{4:+: $4}"
  else echo "FAIL $1 expected $2 got $3${'$'}{4:+: $4}"; failed=$((failed + 1)); fi
}
tcp() {
  t=$(curl -s -o /dev/null --connect-timeout 2 --max-time 3 -w '%{time_connect}' "telnet://$2:$3" </dev/null)
  rc=$?
  note=''
  if [ -n "$t" ] && [ "$t" != 0.000000 ]; then got=open
  elif [ "$rc" = 28 ]; then got=blocked
  elif [ "$rc" = 7 ]; then got=refused; note='the network let the packet through, but nothing listens (or the Service has no ready pod)'
  elif [ "$rc" = 6 ]; then got=unresolved; note="$2 does not resolve"
  else got="curl-exit-$rc"; fi
  verdict "$1" "$4" "$got" "$note"
}
dns() {
  if timeout 5 nslookup "$2" >/dev/null 2>&1; then got=resolves; else got=unresolved; fi
  verdict "$1" "$3" "$got" ''
}
http() {
  if [ "$2" = HEAD ]; then m=-I; else m="-X$2"; fi
  if [ -n "$4" ]; then out=$(curl -s --connect-timeout 2 --max-time 3 "$m" -H "Host: $4" -w '\n%{http_code}' "$3" </dev/null)
  else out=$(curl -s --connect-timeout 2 --max-time 3 "$m" -w '\n%{http_code}' "$3" </dev/null); fi
  rc=$?
  code=$(printf '%s\n' "$out" | tail -n 1)
  note="HTTP $code"
  case "$out" in *'Access denied'*) denied=yes ;; *) denied=no ;; esac
  if [ "$code" = 403 ] && [ "$denied" = yes ]; then got=forbidden
  elif [ "$code" != 000 ] && [ -n "$code" ]; then got=admitted
  elif [ "$rc" = 28 ]; then got=blocked; note=''
  elif [ "$rc" = 7 ]; then got=refused; note='nothing listens'
  else got="curl-exit-$rc"; note=''; fi
  verdict "$1" "$5" "$got" "$note"
}
`;

/** The script for `probes`, in their order. */
export function probeScript(probes: readonly Probe[]): string {
  const lines = probes.map(probeCommand);
  return [
    PRELUDE,
    ...lines,
    `echo "bulkhead probes: ${probes.length} run, $failed disagree with the intents"`,
    '[ "$failed" -eq 0 ]',
    '',
  ].join('\n');
}

function probeCommand(p: Probe): string {
  const label = q(describeProbe(p));
  switch (p.kind) {
    case 'dns':
      return `dns ${label} ${q(p.host)} ${p.expect}`;
    case 'http': {
      const r = p.request!;
      return `http ${label} ${r.method} ${q(`http://${p.host}:${p.port}${r.path}`)} ${q(r.host ?? '')} ${p.expect}`;
    }
    case 'flow':
    case 'guardrail':
    case 'undeclared':
      return `tcp ${label} ${q(p.host)} ${p.port} ${p.expect}`;
  }
}

/** One shell word, quoted so that nothing in it is interpreted. */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
