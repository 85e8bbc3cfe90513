-- Issue 13, part 3: the audit chain is keyed, and the application's database user can no longer
-- rewrite it.
--
-- Until now each row carried a plain SHA-256 link, which anyone able to write the table can
-- recompute after editing a row. From here on each sealed row also carries `link`, an HMAC-SHA256
-- under a key that lives outside the database (VIGILE_AUDIT_KEY): the writing transaction hands
-- it to the seal for that transaction only, so no table, backup or dump holds it. Verification
-- recomputes the links in the application. Rows sealed before this migration keep their plain
-- chain; audit_chain_keyed records the first id that must carry a link, and the application
-- signs that record under the key on its first start, so moving it is noticed too.
--
-- The seal now runs as the table's owner (security definer): the application's role may insert
-- and read audit rows, never update or delete them, and owns nothing it could alter.

create extension if not exists pgcrypto;

alter table audit_events add column link char(64);

create table audit_chain_keyed (
    singleton boolean primary key default true check (singleton),
    from_id   bigint not null,
    -- HMAC of 'vigile-audit-keyed-from:' || from_id under the audit key, set once by the first start.
    mac       char(64)
);

insert into audit_chain_keyed (from_id)
select coalesce(max(id), 0) + 1 from audit_events;

create function audit_chain_keyed_once() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'UPDATE' and old.mac is null and new.mac is not null
       and new.from_id = old.from_id and new.singleton = old.singleton then
        return new;
    end if;
    raise exception 'audit_chain_keyed is written once: % refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_chain_keyed_once before update or delete on audit_chain_keyed
    for each row execute function audit_chain_keyed_once();
create trigger audit_chain_keyed_no_truncate before truncate on audit_chain_keyed
    for each statement execute function audit_chain_keyed_once();

-- The key of the current transaction, as set by the application with
-- set_config('vigile.audit_key', <hex>, true). A row that cannot be keyed is not committed.
create function audit_chain_key() returns bytea
    language plpgsql stable
as $$
declare
    k text := current_setting('vigile.audit_key', true);
begin
    if k is null or k !~ '^[0-9a-f]{64}$' then
        raise exception 'audit row written without the audit key (vigile.audit_key)'
            using errcode = 'insufficient_privilege';
    end if;
    return decode(k, 'hex');
end
$$;

create or replace function audit_events_seal() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, public
as $$
declare
    sealed audit_events;
    prev_link char(64);
begin
    perform pg_advisory_xact_lock(7363102836530911013);
    sealed := new;
    select a.hash, a.link into sealed.prev_hash, prev_link
      from audit_events a where a.id > 0 order by a.id desc limit 1;
    sealed.prev_hash := coalesce(sealed.prev_hash, repeat('0', 64));
    sealed.id := nextval('audit_events_id_seq');
    sealed.occurred_at := clock_timestamp();
    sealed.hash := audit_event_hash(sealed.prev_hash, sealed);
    sealed.link := encode(hmac(convert_to(coalesce(prev_link, repeat('0', 64)) || sealed.hash, 'UTF8'),
                               audit_chain_key(), 'sha256'), 'hex');
    update audit_events
       set id = sealed.id, occurred_at = sealed.occurred_at,
           prev_hash = sealed.prev_hash, hash = sealed.hash, link = sealed.link
     where id = new.id;
    return null;
end
$$;
