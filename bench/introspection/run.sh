#!/usr/bin/env bash
# Introspection (POST /oauth2/introspect) requests per second beside GET /api/users/me's, and the
# time from a logout-all to a stock resource service's first refusal (median and p99 over 50),
# measured side by side on one Vigile started by OtherServicesIT (issue 35).
# Usage: bench/introspection/run.sh [requests per round, default 20000]
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS="${1:-20000}"
./mvnw -B -q verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='OtherServicesIT#introspectionIsMeasuredBesideUsersMe+aLogoutAllReachesTheStockServiceWithinAFewHundredMilliseconds' \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dvigile.bench.requests="$REQUESTS"
cat target/introspection-rps.txt target/ssf-cutoff-latency.txt
