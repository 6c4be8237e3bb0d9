#!/usr/bin/env bash
# Regenerates imports/ (typed constructs) from the CRDs in ../shared/crds, offline.
# Usage: scripts/import-crds.sh [output-dir]   (default: imports)
# The generated TypeScript is committed; the CRD files are not (they stay in ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-imports}"
crds="$(cd "${BULKHEAD_SHARED:-../shared}/crds" && pwd)"
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
# One `cdk8s import` for all modules (the CLI takes one spec per run, but imports every entry of its
# cdk8s.yaml): a scratch directory holds a cdk8s.yaml listing them. One CLI start instead of nine
# (about 2 s of CPU instead of 13; test/imports.test.ts runs this on every `npm test`).
mkdir -p "$out"
out="$(cd "$out" && pwd)"
root="$(pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
{
  echo 'language: typescript'
  echo 'imports:'
  for m in "${modules[@]}"; do echo "  - $m"; done
} > "$scratch/cdk8s.yaml"
(cd "$scratch" && "$root/node_modules/.bin/cdk8s" import --language typescript --output "$out" --no-save >"$scratch/log" 2>&1) || { cat "$scratch/log"; exit 1; }
