#!/usr/bin/env bash
# The order property test (test/property/order.property.test.ts) with many more runs than `npm test`
# gives it, and a new seed each time (a few minutes on two cores).
# Usage: bash scripts/property-long.sh [RUNS]   (default 3000)
set -euo pipefail
cd "$(dirname "$0")/.."
export BULKHEAD_PROPERTY_RUNS="${1:-3000}" BULKHEAD_PROPERTY_SEED="${BULKHEAD_PROPERTY_SEED:-$RANDOM$RANDOM}" CDK8S_CHECK_UPGRADE=false
echo "property runs: $BULKHEAD_PROPERTY_RUNS, seed: $BULKHEAD_PROPERTY_SEED (set BULKHEAD_PROPERTY_SEED to repeat)"
exec npx jest test/property/order.property.test.ts
