-- Phase 2-4: indexes for user administration, and the append-only, hash-chained audit log.

-- Sorting the user list by display name pages in the index; created_at and email have theirs.
create index users_display_name_idx on users (display_name, id);

-- "q" (email or name contains) uses trigram indexes where pg_trgm can be installed; without it the
-- filter still works, by scanning.
do $$
begin
    create extension if not exists pg_trgm;
exception when others then
    raise notice 'pg_trgm is not available (%); user search will scan', sqlerrm;
end
$$;

do $$
begin
    if exists (select 1 from pg_extension where extname = 'pg_trgm') then
        create index users_email_trgm_idx on users using gin (email gin_trgm_ops);
        create index users_display_name_trgm_idx on users using gin (lower(display_name) gin_trgm_ops);
    end if;
end
$$;

-- Sessions active now, for the dashboard.
create index sessions_active_idx on sessions (expires_at) where revoked_at is null;

-- The audit log. Rows are only ever inserted: a trigger refuses UPDATE, DELETE and TRUNCATE.
-- Each row carries the SHA-256 of its content chained to the previous row's hash, so that a row
-- changed or removed behind the trigger's back (by a superuser) is found by verification.
create sequence audit_events_id_seq;

create table audit_events (
    id          bigint       primary key,
    occurred_at timestamptz  not null,
    actor_id    uuid,
    actor_email varchar(254),
    action      varchar(64)  not null,
    target_type varchar(32),
    target_id   varchar(128),
    outcome     varchar(8)   not null check (outcome in ('success', 'failure', 'denied')),
    ip          varchar(45),
    user_agent  varchar(512),
    request_id  varchar(64),
    details     jsonb        not null default '{}'::jsonb,
    prev_hash   char(64)     not null,
    hash        char(64)     not null
);
alter sequence audit_events_id_seq owned by audit_events.id;

create index audit_events_occurred_idx on audit_events (occurred_at);
create index audit_events_actor_idx on audit_events (actor_id, id);
create index audit_events_actor_email_idx on audit_events (actor_email, id);
create index audit_events_action_idx on audit_events (action, occurred_at);
create index audit_events_target_idx on audit_events (target_id, id);

-- The hash of one row: its content as a JSON array (jsonb's text form is canonical, so the same
-- values always give the same text), the previous hash first. Time enters as epoch microseconds,
-- independent of the session's time zone.
create function audit_event_hash(prev text, e audit_events) returns char(64)
    language sql stable
as $$
    select encode(sha256(convert_to(jsonb_build_array(
        prev, e.id, (extract(epoch from e.occurred_at) * 1000000)::bigint, e.actor_id, e.actor_email,
        e.action, e.target_type, e.target_id, e.outcome, e.ip, e.user_agent, e.request_id, e.details
    )::text, 'UTF8')), 'hex')
$$;

-- Chains each new row to the last one. The advisory lock is held until the inserting transaction
-- ends, so concurrent writers take turns: ids, times and the chain all follow commit order and
-- the chain cannot fork. A rolled-back row leaves a gap in ids, never a break in the chain.
create function audit_events_chain() returns trigger
    language plpgsql
as $$
declare
    last_hash char(64);
begin
    perform pg_advisory_xact_lock(7363102836530911013);
    select a.hash into last_hash from audit_events a order by a.id desc limit 1;
    new.id := nextval('audit_events_id_seq');
    new.occurred_at := clock_timestamp();
    new.details := coalesce(new.details, '{}'::jsonb);
    new.prev_hash := coalesce(last_hash, repeat('0', 64));
    new.hash := audit_event_hash(new.prev_hash, new);
    return new;
end
$$;

create trigger audit_events_chain before insert on audit_events
    for each row execute function audit_events_chain();

create function audit_events_append_only() returns trigger
    language plpgsql
as $$
begin
    raise exception 'audit_events is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_events_no_change before update or delete on audit_events
    for each row execute function audit_events_append_only();
create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_append_only();
