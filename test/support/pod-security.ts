/**
 * The `restricted` Pod Security Standard (v1.28), as Pod Security Admission enforces it on a pod spec:
 * the baseline checks (no host namespaces, ports or paths, no privileged containers, only the default
 * capabilities, procMount, seccomp, sysctls, AppArmor and SELinux as allowed) and the restricted ones
 * (allowed volume types, no privilege escalation, non-root, seccomp RuntimeDefault or Localhost, all
 * capabilities dropped and only NET_BIND_SERVICE added). Written from the standard
 * (kubernetes.io/docs/concepts/security/pod-security-standards), independent of the compiler.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Where each workload kind keeps its pod template. */
export const POD_TEMPLATE: Record<string, (o: Json) => Json | undefined> = {
  Pod: (o) => ({ metadata: o.metadata, spec: o.spec }),
  Deployment: (o) => o.spec?.template,
  StatefulSet: (o) => o.spec?.template,
  DaemonSet: (o) => o.spec?.template,
  ReplicaSet: (o) => o.spec?.template,
  Job: (o) => o.spec?.template,
  CronJob: (o) => o.spec?.jobTemplate?.spec?.template,
};

const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const SAFE_SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];

/** Every violation of `restricted` by the pod spec `spec` (empty when it passes). */
export function restrictedViolations(spec: Json, annotations: Record<string, string> = {}): string[] {
  const out: string[] = [];
  const podSc: Json = spec.securityContext ?? {};
  const containers: Json[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[k]) out.push(`${k} is set`);
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUMES.includes(type)) out.push(`volume ${v.name} is of type ${type}, not allowed`);
  }
  for (const s of podSc.sysctls ?? []) if (!SAFE_SYSCTLS.includes(s.name)) out.push(`sysctl ${s.name}`);
  for (const [k, v] of Object.entries(annotations))
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !v.startsWith('localhost/')) out.push(`AppArmor ${v}`);
  const seLinuxOk = (se: Json | undefined) => !se || ((se.type === undefined || ['container_t', 'container_init_t', 'container_kvm_t'].includes(se.type)) && se.user === undefined && se.role === undefined);
  if (!seLinuxOk(podSc.seLinuxOptions)) out.push('pod seLinuxOptions');
  const seccompOk = (p: Json | undefined) => p?.type === 'RuntimeDefault' || p?.type === 'Localhost';
  if (podSc.runAsUser === 0) out.push('pod runAsUser 0');
  for (const c of containers) {
    const sc: Json = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) out.push(`${where}: privileged`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${where}: hostPort ${p.hostPort}`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`${where}: procMount ${sc.procMount}`);
    if (!seLinuxOk(sc.seLinuxOptions)) out.push(`${where}: seLinuxOptions`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) out.push(`${where}: runAsNonRoot is not true`);
    if (sc.runAsUser === 0) out.push(`${where}: runAsUser 0`);
    if (!seccompOk(sc.seccompProfile ?? podSc.seccompProfile)) out.push(`${where}: seccomp is not RuntimeDefault or Localhost`);
    const caps: Json = sc.capabilities ?? {};
    if (!(caps.drop ?? []).includes('ALL')) out.push(`${where}: capabilities do not drop ALL`);
    for (const add of caps.add ?? []) if (add !== 'NET_BIND_SERVICE') out.push(`${where}: adds capability ${add}`);
  }
  return out;
}
