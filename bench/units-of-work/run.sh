#!/usr/bin/env bash
# Units of work per operation, counted from outside: PostgreSQL's pg_stat_database.xact_commit
# for Vigile's database around N of each operation (a returning user's sign-in presenting its
# device token, by API and by browser; a refresh, by API and by browser cookie; a passkey sign-in
# with the device token, options included), less what the
# idle server commits over the same time. Prints a Markdown table for docs/performance.md.
#   bench/units-of-work/run.sh [N]      (default 100)
# Needs the local PostgreSQL (BENCH_DB_URL / BENCH_DB_USER as for every benchmark).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-uow.cp >/dev/null
exec java -Xmx256m -cp "target/classes:target/test-classes:$(cat target/bench-uow.cp)" \
  bench/units-of-work/UnitsOfWork.java "${1:-100}"
