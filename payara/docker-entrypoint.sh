#!/bin/sh
# Starts Payara Micro with Vigile inside the container, the way the launcher does outside it:
# VIGILE_CLUSTER_NAME / _INTERFACE / _PORT / _MEMBERS become the data-grid flags, or, with
# VIGILE_CLUSTER_DISCOVERY=kubernetes, _KUBERNETES_NAMESPACE / _KUBERNETES_SERVICE (Kubernetes discovery).
# "healthcheck" asks /health/ready instead (used by the image's HEALTHCHECK).
set -eu
PORT="${VIGILE_PORT:-8080}"
# Where the image puts things; overridable so the tests can run this very script outside a container.
HOME_DIR="${VIGILE_HOME:-/opt/vigile}"
PAYARA_MICRO_JAR="${PAYARA_MICRO_JAR:-/opt/payara/payara-micro.jar}"

if [ "${1:-}" = "healthcheck" ]; then
  exec java "$HOME_DIR/payara/HealthProbe.java" "http://127.0.0.1:${PORT}/health/ready"
fi

# The signing keys in the database are sealed under a key-encryption key kept out of it: without
# one (or a configured signing key) Vigile would not start, so say why here, plainly.
if [ -z "${VIGILE_KEY_ENCRYPTION_KEY:-}" ] && [ -z "${VIGILE_JWT_PRIVATE_KEY:-}" ]; then
  echo "VIGILE_KEY_ENCRYPTION_KEY is not set: give 32 random bytes in base64 (openssl rand -base64 32)," \
    "from a secret, so that the signing keys stored in the database are encrypted." >&2
  exit 2
fi

if [ -z "${VIGILE_AUDIT_KEY:-}" ]; then
  echo "VIGILE_AUDIT_KEY is not set: give 32 random bytes in base64 (openssl rand -base64 32), from a secret;" \
    "every audit row is chained under it, so that whoever can write the database cannot rewrite the log unseen." >&2
  exit 2
fi

set -- --deploy "$HOME_DIR"/vigile.war --contextroot / --port "$PORT" \
  --disablephonehome --nohostaware \
  --prebootcommandfile "$HOME_DIR"/payara/pre-boot-commands.asadmin \
  --postbootcommandfile "$HOME_DIR"/payara/post-boot-commands.asadmin \
  --logproperties "$HOME_DIR"/payara/logging.properties

# JSON-P's provider named once, not looked up with ServiceLoader on each parse (see PayaraProcess).
# The heap's defaults come first so VIGILE_JAVA_MEMORY overrides them: an idle server gives back the heap it
# no longer uses (a concurrent cycle after 15 s without a collection, free heap above 30 % returned; see
# PayaraProcess.MEMORY_DEFAULTS), and under load marking starts at a fixed 80 % occupancy, above what
# giving back leaves (otherwise marking cycles run back to back).
JAVA_OPTS="-XX:G1PeriodicGCInterval=15000 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30"
JAVA_OPTS="$JAVA_OPTS -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=80"
JAVA_OPTS="$JAVA_OPTS ${VIGILE_JAVA_MEMORY:--Xmx512m} -Djava.util.logging.config.file=$HOME_DIR/payara/logging.properties"
JAVA_OPTS="$JAVA_OPTS -Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl"
if [ -n "${VIGILE_CLUSTER_NAME:-}" ]; then
  if [ -z "${VIGILE_CLUSTER_SECRET:-}" ]; then
    echo "VIGILE_CLUSTER_NAME is set but VIGILE_CLUSTER_SECRET is not: the data grid does not authenticate" \
      "its members, so every member signs its messages with that shared secret (the same on every member)." >&2
    exit 2
  fi
  IFACE="${VIGILE_CLUSTER_INTERFACE:-$(hostname -i | awk '{print $1}')}"
  GRID_PORT="${VIGILE_CLUSTER_PORT:-6900}"
  case "${VIGILE_CLUSTER_DISCOVERY:-tcpip}" in
    tcpip)
      MODE="tcpip:${VIGILE_CLUSTER_MEMBERS:-$IFACE:$GRID_PORT}"
      ;;
    kubernetes)
      # Members are the pods behind a headless service, read from the Kubernetes API (the pod's
      # service account may read endpoints and pods of its namespace; deploy/kubernetes/rbac.yaml).
      NS="${VIGILE_CLUSTER_KUBERNETES_NAMESPACE:-}"
      SVC="${VIGILE_CLUSTER_KUBERNETES_SERVICE:-}"
      for name in "$NS" "$SVC"; do
        if ! printf '%s' "$name" | grep -Eq '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'; then
          echo "VIGILE_CLUSTER_DISCOVERY=kubernetes needs VIGILE_CLUSTER_KUBERNETES_NAMESPACE and" \
            "VIGILE_CLUSTER_KUBERNETES_SERVICE (the headless service of the grid), each a DNS label;" \
            "got '$NS' and '$SVC'." >&2
          exit 2
        fi
      done
      MODE="kubernetes:$NS,$SVC"
      ;;
    *)
      echo "VIGILE_CLUSTER_DISCOVERY must be tcpip or kubernetes, not '$VIGILE_CLUSTER_DISCOVERY'." >&2
      exit 2
      ;;
  esac
  set -- "$@" --clusterName "$VIGILE_CLUSTER_NAME" --interfaces "$IFACE" --startPort "$GRID_PORT" \
    --clusterMode "$MODE"
else
  # Alone, Payara's grid still starts and would listen on every address (--interfaces is ignored
  # with --nocluster): its interface is set to loopback before boot.
  PREBOOT="$(mktemp /tmp/vigile-preboot.XXXXXX)"
  cat "$HOME_DIR"/payara/pre-boot-commands.asadmin > "$PREBOOT"
  printf '\nset hazelcast-runtime-configuration.interface=127.0.0.1\n' >> "$PREBOOT"
  # (Payara Micro reads the last --prebootcommandfile given.)
  set -- "$@" --nocluster --prebootcommandfile "$PREBOOT"
fi
# The grid binds only the interface it is given: the members' in a cluster, loopback alone.
JAVA_OPTS="$JAVA_OPTS -Dhazelcast.socket.bind.any=false"
# shellcheck disable=SC2086
exec java $JAVA_OPTS -jar "$PAYARA_MICRO_JAR" "$@"
