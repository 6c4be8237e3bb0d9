#!/usr/bin/env bash
# Regenerates imports/ (typed constructs) from the CRDs in ../shared/crds, offline.
# Usage: scripts/import-crds.sh [output-dir]   (default: imports)
# The generated TypeScript is committed; the CRD files are not (they stay in ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-imports}"
crds="${BULKHEAD_SHARED:-../shared}/crds"
export CDK8S_CHECK_UPGRADE=false
# module name := CRD file; one module per kind, so each import keeps its own file.
modules=(
  "cilium-network-policy:=$crds/cilium-v1.18.8-ciliumnetworkpolicies.yaml"
  "cilium-clusterwide-network-policy:=$crds/cilium-v1.18.8-ciliumclusterwidenetworkpolicies.yaml"
  "cilium-lb-ip-pool:=$crds/cilium-v1.18.8-ciliumloadbalancerippools.yaml"
  "cilium-l2-announcement-policy:=$crds/cilium-v1.18.8-ciliuml2announcementpolicies.yaml"
  "gateway:=$crds/gateway-api-v1.3.0-standard-gateway.networking.k8s.io_gateways.yaml"
  "http-route:=$crds/gateway-api-v1.3.0-standard-gateway.networking.k8s.io_httproutes.yaml"
  "reference-grant:=$crds/gateway-api-v1.3.0-standard-gateway.networking.k8s.io_referencegrants.yaml"
  "argocd-application:=$crds/argo-cd-v3.5.1-application-crd.yaml"
  "argocd-app-project:=$crds/argo-cd-v3.5.1-appproject-crd.yaml"
)
# The ApplicationSet CRD would generate 3.3 MB of TypeScript for one object; bulkhead renders it as a
# plain ApiObject (lib/constructs/argocd-fleet.ts) and validates it against the CRD in the tests.
for m in "${modules[@]}"; do
  node_modules/.bin/cdk8s import "$m" --language typescript --output "$out" --no-save >/dev/null 2>&1 || {
    node_modules/.bin/cdk8s import "$m" --language typescript --output "$out" --no-save; exit 1; }
done
