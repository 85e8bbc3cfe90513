#!/usr/bin/env bash
# One Argon2id hash with password4j against Spring Security's encoder over Bouncy Castle, at
# Vigile's cost, alternated in one JVM. bench/argon2/run.sh [rounds] [hashes per round]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-argon2.cp >/dev/null
exec java -Xmx512m -cp "$(cat target/bench-argon2.cp)" bench/argon2/Argon2Bench.java "${1:-10}" "${2:-10}"
