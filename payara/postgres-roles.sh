#!/bin/sh
# Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d), as the
# owner (POSTGRES_USER): creates the role the application connects as. It gets no attribute and
# owns nothing; Vigile's migrations grant it its rights on every start.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$VIGILE_DB_PASSWORD" <<'SQL'
create role vigile login nosuperuser nocreatedb nocreaterole noinherit password :'password';
SQL
