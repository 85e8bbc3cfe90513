-- Issue 37: a session keeps one row however often its refresh token rotates.
--
-- Until now every rotation inserted a row into refresh_tokens and marked the previous one
-- rotated, and the rows stayed until their session was swept, so that a rotated token presented
-- again is recognised as a replay (RFC 9700 section 4.14.2): 8,640 rows for an always-on client
-- over a 30-day session, three row writes and two index entries per refresh. A token now names
-- its session and its rotation and carries a tag under the session's own key (RefreshTokens):
-- the session stores the hash of its current token and its rotation, and a tagged token behind
-- that rotation is a replay.
--
-- No index covers these columns, so a rotation stays a heap-only update. Adding nullable columns
-- without a default rewrites nothing, and the checks are NOT VALID (they hold for every row
-- written from now on; the existing rows, all null here, are not scanned), whatever the table's
-- size.
alter table sessions
    add column refresh_hash varchar(64),
    add column refresh_rotation bigint,
    add column refresh_key bytea,
    add constraint sessions_refresh_hash_check check (refresh_hash ~ '^[0-9a-f]{64}$') not valid,
    add constraint sessions_refresh_rotation_check check (refresh_rotation >= 0) not valid,
    add constraint sessions_refresh_key_check check (octet_length(refresh_key) = 32) not valid;

-- refresh_tokens keeps the tokens issued before this version: each still refreshes once (its
-- successor has the new form) and is recognised as a replay afterwards; the rows go with their
-- sessions when these are swept, and nothing new is written there.
comment on table refresh_tokens is
    'Refresh tokens issued before V24 (hashes): read on their next refresh or replay, removed with their session';
