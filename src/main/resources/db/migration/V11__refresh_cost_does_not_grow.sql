-- Issue 17, part 3: a refresh's cost in PostgreSQL must not grow with the tables it writes.
--
-- Under the suite's refresh load (PostgreSQL with autovacuum off, as on the CI machines), the
-- database committed 218 refreshes a second at first and 117 three minutes later, while almost
-- every busy backend waited on the audit chain's lock. Two causes, both fixed here.

-- 1. The seal runs its two statements on audit_events (the chain's head, and the rewrite of the
-- row it seals) from plans that each pooled connection keeps for its life. A connection that
-- first sealed while the table was a page long keeps a sequential scan, and then reads the whole
-- table under the chain's lock at every commit: 21,000 scans and 298 million rows read for 29,000
-- seals. Both statements have an index (the primary key); the seal now never plans otherwise,
-- whatever the planner believed of the table's size when it planned.
alter function audit_events_seal() set enable_seqscan = off;

-- 2. Every refresh touches its session (last used, address, agent). last_used_at was a column of
-- an index, so each touch wrote a new entry in every index of sessions and left a dead row
-- behind: 29,000 dead rows for 17 live ones, scanned by each later refresh. The user's sessions
-- are few and are sorted when listed, so the index needs only the user; with no indexed column
-- changed and room left on each page, a touch is a heap-only update that PostgreSQL reclaims on
-- its own, even where autovacuum lags.
drop index sessions_user_active_idx;
create index sessions_user_active_idx on sessions (user_id) where revoked_at is null;
alter table sessions set (fillfactor = 80);
