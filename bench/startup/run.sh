#!/usr/bin/env bash
# Start to ready and RSS once idle: Vigile as it started before issue 17's start-up work, with the
# heap defaults only, and as ./mvnw -Prun starts it now (class-data archive and heap defaults), and
# Keycloak in production mode (`kc.sh build` once, then `start --optimized`), each on a new empty
# database of the local PostgreSQL, taking turns ROUNDS times. Prints a Markdown table.
#   bench/startup/run.sh [ROUNDS] [IDLE_SECONDS]      (default 5 60)
# Keycloak needs a JDK 21+ (KEYCLOAK_JAVA, default the Temurin under /usr/lib/jvm) and Maven Central.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-startup.cp >/dev/null
. bench/keycloak.sh
if [ -d "$KEYCLOAK_HOME" ] && [ -n "$KEYCLOAK_JAVA" ]; then
  # Production mode is built once (what `start --optimized` expects), for PostgreSQL.
  JAVA_HOME="$KEYCLOAK_JAVA" "$KEYCLOAK_HOME/bin/kc.sh" build --db=postgres >/dev/null
fi
exec java -Xmx256m -cp "target/classes:target/test-classes:$(cat target/bench-startup.cp)" \
  bench/startup/StartupBench.java "${1:-5}" "${2:-60}"
