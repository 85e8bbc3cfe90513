#!/usr/bin/env bash
# Pages under an open-loop load on one Vigile (Payara Micro): the user list among USERS users and
# the audit log among EVENTS events (numbered pages and before=<id>), RATE requests per second for
# SECONDS each. Client and server share this machine. Prints a Markdown table.
#   bench/pages/run.sh [USERS] [EVENTS] [RATE] [SECONDS]      (default 100000 10000000 50 30)
# PAGES_ONLY=a,b runs only the rows whose path contains one of them; PAGES_WARMUP (s, default 20)
# is the uncounted window before each row.
# Needs a PostgreSQL where it may create a database (BENCH_DB_URL, default the local one as
# postgres) and about 6 GB of disk for ten million events.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-pages.cp >/dev/null
exec java -Xmx512m -cp "target/classes:target/test-classes:$(cat target/bench-pages.cp)" bench/pages/PagesBench.java \
  "${1:-100000}" "${2:-10000000}" "${3:-50}" "${4:-30}"
