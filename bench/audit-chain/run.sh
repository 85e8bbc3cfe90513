#!/usr/bin/env bash
# The ceiling of the audit chain on one PostgreSQL: audited writes per second (each a transaction
# that inserts one audit row and commits, sealed and linked under the chain's lock at commit) with
# 1 to 64 concurrent writers, against the same transactions into a table without the seal.
# Prints a Markdown table for docs/performance.md.
#   bench/audit-chain/run.sh [SECONDS] [WRITERS]      (default 10 and 1,2,4,8,16,32,64)
# Needs a PostgreSQL where it may create a database (BENCH_DB_URL / BENCH_DB_USER).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-chain.cp >/dev/null
exec java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench-chain.cp)" \
  bench/audit-chain/AuditChainBench.java "${1:-10}" "${2:-1,2,4,8,16,32,64}"
