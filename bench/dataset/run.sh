#!/usr/bin/env bash
# A Vigile database at scale, one command: SCALE 1 (the default) is 1,000,000 users (0.05% admins,
# 10% with MFA, 80% verified, 2% disabled, a fifth in French), 5,000,000 sessions (a tenth live, the
# rest expired or revoked within the sweep's retention) with their refresh tokens, 1,500,000 device
# tokens, 8,000,000 personal notifications (70% read) and 2,000 broadcasts with 2,000,000 reads,
# 50,000 throttle buckets and 30,000,000 audit events over a year whose chain and keyed links
# verify. Loaded through COPY with the secondary indexes dropped and rebuilt. Prints one Markdown
# row (load time, total with indexes, size); the secrets to start Vigile on it go to
# target/dataset/<name>.env, and every user's password is "dataset passphrase".
#   bench/dataset/run.sh [SCALE]      (default 1; 0.001 is a thousand users, as CI runs it)
# DATASET_DB names the database (default vigile_dataset; dropped and made again). Needs a
# PostgreSQL where it may create a database (BENCH_DB_URL / BENCH_DB_USER) and, at scale 1, about
# 25 GB of disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-dataset.cp >/dev/null
exec java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench-dataset.cp)" bench/dataset/Dataset.java \
  "${1:-1}"
