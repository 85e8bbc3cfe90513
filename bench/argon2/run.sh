#!/usr/bin/env bash
# One Argon2id hash at Vigile's cost with each encoder Vigile used or uses (password4j, Spring
# Security's over Bouncy Castle, Argon2Phc over Bouncy Castle, Argon2Phc over libargon2), rotated
# in one JVM. bench/argon2/run.sh [rounds] [hashes per round]
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-argon2.cp >/dev/null
exec java -Xmx512m -cp "target/classes:$(cat target/bench-argon2.cp)" bench/argon2/Argon2Bench.java "${1:-10}" "${2:-10}"
