#!/usr/bin/env bash
# Measures ES256 against RS256-3072 for Vigile's access tokens (same JVM, same run).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B dependency:build-classpath -Dmdep.includeArtifactIds=jose4j,slf4j-api -Dmdep.outputFile=target/bench-jwt.cp >/dev/null
exec java -cp "$(cat target/bench-jwt.cp)" bench/jwt/JwtAlgorithmBench.java "$@"
