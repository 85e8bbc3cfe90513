-- Issue 37, part 5: audit retention that keeps the proof. With VIGILE_AUDIT_RETENTION set, the
-- application exports events older than it to an archive (JSON Lines, one file per month, each row
-- with its hash and keyed link) and then retires them here. A checkpoint records the last retired
-- row's hash and link: the first kept row names that hash as its prev_hash, so verify proves that
-- what remains continues the archived chain, and the archive's last row must be the checkpoint's.
-- The checkpoint is signed (HMAC) under the audit key, which the database never stores: only the
-- application, holding the key, can retire rows, and a checkpoint moved without it is found.

create table audit_checkpoints (
    upto_id      bigint      primary key,
    hash         char(64)    not null,
    link         char(64),
    occurred_at  timestamptz not null,
    removed      bigint      not null,
    created_at   timestamptz not null default now(),
    -- HMAC-SHA256 under the audit key of 'vigile-audit-checkpoint:' || upto_id || ':' || hash || ':' || link
    mac          char(64)    not null
);

-- Deletes are refused unless audit_retire below is the one deleting: its flag set, and the table's owner.
create or replace function audit_events_append_only() returns trigger
    language plpgsql
as $$
begin
    -- Anyone may set a setting: the table's owner (the retiring function runs as it) is also required.
    if tg_op = 'DELETE' and current_setting('vigile.audit_retiring', true) = 'on'
       and current_user = (select pg_get_userbyid(c.relowner) from pg_class c where c.oid = tg_relid) then
        return old;
    end if;
    if tg_op = 'UPDATE' and old.hash is null and new.hash is not null and old.id < 0
       and pg_trigger_depth() > 1
       and (old.actor_id, old.actor_email, old.action, old.target_type, old.target_id, old.outcome,
            old.ip, old.user_agent, old.request_id, old.details)
           is not distinct from
           (new.actor_id, new.actor_email, new.action, new.target_type, new.target_id, new.outcome,
            new.ip, new.user_agent, new.request_id, new.details) then
        return new;
    end if;
    raise exception 'audit_events is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

-- Retires every sealed row up to p_upto, which must be signed (p_mac) under the key of the calling
-- transaction (set_config('vigile.audit_key', ...)), newer than the last checkpoint, and not the
-- newest row (the seal chains the next row to the newest one). Takes the chain's lock, so no seal
-- commits meanwhile; keeps the per-action tally equal to what remains. Returns the rows removed.
create function audit_retire(p_upto bigint, p_mac text) returns bigint
    language plpgsql
    security definer
    set search_path = pg_catalog, public
as $$
declare
    last_row audit_events;
    anchor audit_chain_keyed;
    expected text;
    removed bigint;
begin
    perform pg_advisory_xact_lock(7363102836530911013);
    select * into last_row from audit_events where id = p_upto and id > 0;
    if not found then
        raise exception 'audit row % does not exist', p_upto using errcode = 'no_data_found';
    end if;
    if p_upto >= (select max(id) from audit_events) then
        raise exception 'the newest audit row is never retired' using errcode = 'check_violation';
    end if;
    if exists (select 1 from audit_checkpoints where upto_id >= p_upto) then
        raise exception 'audit rows up to % are already retired', p_upto using errcode = 'check_violation';
    end if;
    -- Any session may set vigile.audit_key to a key of its own and sign with it: the key must be the
    -- one that signed the chain's anchor (written once, at the first start, under the real key).
    select * into anchor from audit_chain_keyed;
    if anchor.mac is null or anchor.mac <> encode(hmac(convert_to('vigile-audit-keyed-from:' || anchor.from_id,
                                                                 'UTF8'), audit_chain_key(), 'sha256'), 'hex') then
        raise exception 'not the audit key: audit rows are retired only under the key that signed the chain'
            using errcode = 'insufficient_privilege';
    end if;
    expected := encode(hmac(convert_to('vigile-audit-checkpoint:' || p_upto || ':' || last_row.hash || ':'
                                       || coalesce(last_row.link, ''), 'UTF8'), audit_chain_key(), 'sha256'), 'hex');
    if p_mac is distinct from expected then
        raise exception 'audit checkpoint not signed under the audit key' using errcode = 'insufficient_privilege';
    end if;
    perform set_config('vigile.audit_retiring', 'on', true);
    with gone as (
        delete from audit_events where id > 0 and id <= p_upto returning action, outcome
    ), counted as (
        select action, outcome, count(*) as n from gone group by action, outcome
    ), lowered as (
        update audit_event_tally t set sealed = t.sealed - c.n
          from counted c where t.action = c.action and t.outcome = c.outcome and t.sealed > c.n
    ), emptied as (
        delete from audit_event_tally t using counted c
         where t.action = c.action and t.outcome = c.outcome and t.sealed <= c.n
    )
    select coalesce(sum(n), 0) into removed from counted;
    perform set_config('vigile.audit_retiring', 'off', true);
    insert into audit_checkpoints (upto_id, hash, link, occurred_at, removed, mac)
    values (p_upto, last_row.hash, last_row.link, last_row.occurred_at, removed, p_mac);
    return removed;
end
$$;

revoke all on function audit_retire(bigint, text) from public;
