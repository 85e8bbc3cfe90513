-- Where the last verify that passed ended (issue 37): the last event it checked, its hash and link,
-- signed under the audit key. GET /api/admin/audit/verify?resume=true walks only the events after it,
-- once it has found that event unchanged. One row, replaced by each verify that passes.
create table audit_verified (
    only_row    boolean      primary key default true check (only_row),
    upto_id     bigint       not null,
    hash        varchar(64)  not null,
    link        varchar(64),
    -- HMAC-SHA256 under the audit key of 'vigile-audit-verified:' || upto_id || ':' || hash || ':' || link
    mac         varchar(64)  not null,
    verified_at timestamptz  not null
);
