#!/usr/bin/env bash
# Does POST /api/auth/password-reset take the same time for an existing account and an unknown
# email? Registers N accounts, then sends N resets for them and N for unknown emails, interleaved,
# and prints the median, 90th percentile and mean of each, and their ratio. Needs a running Vigile
# whose reset limits let the run through, e.g.
#   VIGILE_PASSWORD_RESET_THROTTLE_ADDRESS=100000/PT1M ./mvnw -Prun
#   bench/reset-timing/run.sh [base URL] [N]
set -euo pipefail
BASE=${1:-http://localhost:8080}
N=${2:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run=$(date +%s)-$$
for i in $(seq 1 "$N"); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -XPOST "$BASE/api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"timing-$run-$i@example.com\",\"password\":\"a timing passphrase $run $i\"}")
  [ "$code" = 201 ] || { echo "register $i: HTTP $code" >&2; exit 1; }
done
# Warm-up, then known and unknown interleaved so that both see the same server state.
for i in $(seq 1 20); do
  curl -s -o /dev/null -XPOST "$BASE/api/auth/password-reset" -H 'Content-Type: application/json' \
    -d "{\"email\":\"warmup-$run-$i@example.com\"}"
done
for i in $(seq 1 "$N"); do
  for kind in known unknown; do
    email=$([ "$kind" = known ] && echo "timing-$run-$i@example.com" || echo "nobody-$run-$i@example.com")
    out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -XPOST "$BASE/api/auth/password-reset" \
      -H 'Content-Type: application/json' -d "{\"email\":\"$email\"}")
    [ "${out%% *}" = 202 ] || { echo "$kind reset $i: HTTP ${out%% *}" >&2; exit 1; }
    echo "${out#* }" >> "$work/$kind"
  done
done
stats() {
  sort -n "$1" | awk '{ v[NR] = $1; s += $1 } END {
    printf "%.2f %.2f %.2f", v[int((NR + 1) / 2)] * 1000, v[int(NR * 0.9)] * 1000, s / NR * 1000 }'
}
read -r km k90 kmean <<< "$(stats "$work/known")"
read -r um u90 umean <<< "$(stats "$work/unknown")"
echo "| email | requests | median ms | p90 ms | mean ms |"
echo "|---|---|---|---|---|"
echo "| existing account | $N | $km | $k90 | $kmean |"
echo "| unknown | $N | $um | $u90 | $umean |"
awk -v a="$km" -v b="$um" 'BEGIN { printf "median ratio existing/unknown: %.3f\n", a / b }'
