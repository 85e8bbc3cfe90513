-- When a session's refresh was last audited (issue 37): a session's refreshes are audited at its
-- first, on a change of address or user agent, and otherwise at most once per
-- VIGILE_AUDIT_REFRESH_INTERVAL, instead of every five minutes of an always-on client.
-- Not indexed: the rotation updates it, and an index would cost the refresh its heap-only update.
-- A null (every session live when this ships) audits the next refresh. Adding a nullable column
-- rewrites nothing, so this is instant on a table of millions.
alter table sessions add column refresh_audited_at timestamptz;

