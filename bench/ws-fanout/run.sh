#!/usr/bin/env bash
# WebSocket fan-out on one Vigile instance: opens N connections (one user each), measures what they
# cost the server and PostgreSQL while they stay silent, sends a first broadcast and then warm ones
# (BENCH_WS_ROUNDS, default 5) and per-user notifications; reports time to the last delivery,
# p50/p99 latency, the CPU the server and the client used during the median warm broadcast, and
# memory per connection. Client and server share this machine.
#   bench/ws-fanout/run.sh [N,N,...]      (default 1000,5000,10000)
# Needs a PostgreSQL where it may create a database (BENCH_DB_URL, default the local one as postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
# package also compiles the test classes, whose server settings and free ports the bench shares.
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-ws.cp >/dev/null
exec java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench-ws.cp)" bench/ws-fanout/WsFanoutBench.java "${1:-1000,5000,10000}"
