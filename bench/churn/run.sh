#!/usr/bin/env bash
# Churn (issue 37): sign-ins, refreshes, sign-outs, password resets, broadcasts and reads at a
# steady rate against one Vigile whose lifetimes and retentions are compressed (sessions end after
# 4 minutes, ended rows are kept 1 minute, audit events 2 minutes before they are archived under
# target/ and removed, sweeps every 10 s), sampling every table's rows and size each minute. Prints
# a Markdown table for docs/performance.md. Once the first sessions have ended and been swept
# (about 6 minutes), every table must stay flat.
#   bench/churn/run.sh [seconds]      (default 3600)
# Needs the local PostgreSQL (BENCH_DB_URL / BENCH_DB_USER as for every benchmark).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-churn.cp >/dev/null
exec java -Xmx512m -cp "target/classes:target/test-classes:$(cat target/bench-churn.cp)" \
  bench/churn/Churn.java "${1:-3600}"
