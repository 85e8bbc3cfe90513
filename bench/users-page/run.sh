#!/usr/bin/env bash
# Times the user list's queries (the SQL UserQueries and Dashboard send) on 100,000 users, with
# Vigile's indexes and, in the same run, without them. Needs psql and pgbench, and a PostgreSQL
# where it may create and drop a database (default: the local one as postgres).
#   bench/users-page/run.sh [users] [seconds per query]
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS=${1:-100000}
SECONDS_PER_QUERY=${2:-5}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
DB=vigile_bench_$$
work=$(mktemp -d)
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

createdb "$DB"
for m in src/main/resources/db/migration/V*.sql; do
  psql -q -v ON_ERROR_STOP=1 -d "$DB" -f "$m" >/dev/null 2>&1
done
psql -q -v ON_ERROR_STOP=1 -d "$DB" <<SQL
insert into users (id, email, display_name, password_hash, enabled, created_at, updated_at)
select gen_random_uuid(), 'user' || g || '-' || substr(md5(g::text), 1, 6) || '@example.com',
       case when g % 3 = 0 then null else 'Person ' || md5(g::text) end,
       'not-a-hash', g % 10 <> 0, now() - make_interval(secs => g), now()
from generate_series(1, $USERS) g;
insert into user_roles select id, 'USER' from users;
insert into user_roles select id, 'ADMIN' from users order by created_at limit 50;
analyze;
SQL

# name|SQL, as UserQueries and Dashboard build it for one list request.
cat > "$work/queries" <<'Q'
page 1, newest first|select u.id from users u where true order by u.created_at desc, u.id desc limit 20 offset 0
page 2500, newest first|select u.id from users u where true order by u.created_at desc, u.id desc limit 20 offset 49980
page 1 by email|select u.id from users u where true order by u.email asc, u.id asc limit 20 offset 0
page 1 by display name|select u.id from users u where true order by u.display_name asc, u.id asc limit 20 offset 0
q=4b2a (contains)|select u.id from users u where true and (u.email like '%4b2a%' escape '\' or lower(u.display_name) like '%4b2a%' escape '\') order by u.created_at desc, u.id desc limit 20 offset 0
role=ADMIN|select u.id from users u where true and exists (select 1 from user_roles r where r.user_id = u.id and r.role_name = 'ADMIN') order by u.created_at desc, u.id desc limit 20 offset 0
total (X-Total-Count)|select count(*) from users u where true
dashboard users|select count(*), count(*) filter (where enabled), count(*) filter (where created_at > now() - interval '7 days') from users
Q

measure() {
  local sql=$1 f="$work/q.sql"
  printf '%s;\n' "$sql" > "$f"
  pgbench -n -T "$SECONDS_PER_QUERY" -f "$f" "$DB" 2>/dev/null | awk -F'= ' '/latency average/ {split($2, a, " "); print a[1]}'
}

declare -A with
while IFS='|' read -r name sql; do with[$name]=$(measure "$sql"); done < "$work/queries"
psql -q -d "$DB" -c "drop index users_created_at_idx, users_display_name_idx, users_email_trgm_idx,
  users_display_name_trgm_idx, user_roles_role_idx; alter table users drop constraint users_email_key;"
printf '\n%d users, %ss per query, pgbench latency average\n\n' "$USERS" "$SECONDS_PER_QUERY"
printf '| query | with indexes (ms) | without (ms) | speed-up |\n|---|---|---|---|\n'
while IFS='|' read -r name sql; do
  without=$(measure "$sql")
  awk -v n="$name" -v a="${with[$name]}" -v b="$without" 'BEGIN { printf "| %s | %.3f | %.3f | %.0f× |\n", n, a, b, b / a }'
done < "$work/queries"
