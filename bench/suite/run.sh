#!/usr/bin/env bash
# Vigile's benchmark suite, one command: the framework's ceiling (a trivial JAX-RS endpoint on the
# same Payara), authenticated reads, logins (from a known device; "login-new": from new devices)
# against the hashing limit, refreshes, a page of 50 of
# 100,000 users, start-up time and memory, and Keycloak's login and refresh side by side (on the
# same PostgreSQL, same Argon2id cost). Prints Markdown tables for docs/performance.md.
#   bench/suite/run.sh [seconds per measurement]      (default 10)
# Needs: the local PostgreSQL (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres), and for the
# Keycloak part a JDK 21+ (KEYCLOAK_JAVA, default the Temurin 25 under /usr/lib/jvm) and Maven
# Central to fetch org.keycloak:keycloak-quarkus-dist (skipped, and said so, when unavailable).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-10}
./mvnw -q -B -DskipTests package
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-suite.cp >/dev/null

# The ceiling WAR: one trivial resource, compiled against the Jakarta EE API.
mkdir -p target/bench/ceiling/WEB-INF/classes
API_JAR=$(tr ':' '\n' < target/bench-suite.cp | grep 'jakarta.jakartaee-api' | head -1)
javac -d target/bench/ceiling/WEB-INF/classes -cp "$API_JAR" bench/suite/ceiling/Ceiling.java
(cd target/bench/ceiling && jar cf ../ceiling.war WEB-INF)

. bench/keycloak.sh
exec java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench-suite.cp)" \
  bench/suite/Suite.java "$SECONDS_EACH"
