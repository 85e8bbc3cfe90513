# Sourced by the benchmarks that compare with Keycloak, from the repository's root: fetches
# Keycloak's distribution from Maven Central once into target/bench and exports KEYCLOAK_HOME and
# KEYCLOAK_JAVA (a JDK 21+, default the Temurin under /usr/lib/jvm). Without either, the
# benchmark skips Keycloak and says so.
KC_VERSION=26.7.3
if [ ! -d "target/bench/keycloak-$KC_VERSION" ]; then
  ./mvnw -q -B dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip \
    -DoutputDirectory=target/bench >/dev/null 2>&1 \
    && (cd target/bench && unzip -q "keycloak-quarkus-dist-$KC_VERSION.zip") || echo "Keycloak not available: its part is skipped"
fi
export KEYCLOAK_HOME="$PWD/target/bench/keycloak-$KC_VERSION"
export KEYCLOAK_JAVA="${KEYCLOAK_JAVA:-$(ls -d /usr/lib/jvm/temurin-2*-jdk-amd64 2>/dev/null | tail -1)}"
