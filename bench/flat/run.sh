#!/usr/bin/env bash
# Hot paths flat at scale: Vigile on the dataset bench/dataset/run.sh loaded (A) and Vigile on a
# fresh database (B), side by side on this machine. For each path (a returning user's sign-in, a
# refresh, /api/users/me, the user and audit pages, the inbox and its unread count, a WebSocket
# connect and resume), FLAT_PAIRS pairs (default 3) of closed-loop windows of FLAT_CLIENTS clients
# (default 8), alternating which side goes first; reports A ÷ B of requests per second (median and
# range) and both p99s, and both start-up times. Prints Markdown for docs/performance.md.
#   bench/flat/run.sh [SECONDS]      (default 10; 0: every path once on the dataset, as CI runs it;
#                                     DATASET_DB as for the dataset; FLAT_ONLY=a,b;
#                                     FLAT_VERIFY=false skips the audit verify at start;
#                                     FLAT_B_WAR=path: the fresh side runs that build's WAR)
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-flat.cp >/dev/null
exec java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench-flat.cp)" bench/flat/Flat.java "${1:-10}"
