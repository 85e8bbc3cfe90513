-- Issue 6: the audit chain is extended when the writing transaction commits, not when it inserts.
--
-- Until now the BEFORE INSERT trigger took the chain's advisory lock, and the lock stayed held
-- through everything the transaction did afterwards: the application's remaining statements, its
-- round trips, and the time its thread spent descheduled on a busy machine. Every audited write
-- in the cluster queued behind that. Now an insert only takes a provisional, negative id; a
-- deferred constraint trigger takes the lock when the transaction commits, reads the last hash,
-- and gives the row its final id, time, previous hash and hash. The lock is held only for the
-- commit itself, and ids, times and the chain still follow commit order.
--
-- Committed rows always have a positive id and both hashes (the check below); a provisional row
-- is only ever seen by the transaction that inserted it.

create sequence audit_events_pending_seq;

alter table audit_events
    alter column prev_hash drop not null,
    alter column hash drop not null,
    add constraint audit_events_sealed
        check ((id > 0) = (prev_hash is not null and hash is not null));

create or replace function audit_events_chain() returns trigger
    language plpgsql
as $$
begin
    new.id := -nextval('audit_events_pending_seq');
    new.occurred_at := clock_timestamp();
    new.details := coalesce(new.details, '{}'::jsonb);
    new.prev_hash := null;
    new.hash := null;
    return new;
end
$$;

-- Runs at commit, once per inserted row, in insertion order.
create function audit_events_seal() returns trigger
    language plpgsql
as $$
declare
    sealed audit_events;
begin
    perform pg_advisory_xact_lock(7363102836530911013);
    sealed := new;
    select a.hash into sealed.prev_hash from audit_events a where a.id > 0 order by a.id desc limit 1;
    sealed.prev_hash := coalesce(sealed.prev_hash, repeat('0', 64));
    sealed.id := nextval('audit_events_id_seq');
    sealed.occurred_at := clock_timestamp();
    sealed.hash := audit_event_hash(sealed.prev_hash, sealed);
    update audit_events
       set id = sealed.id, occurred_at = sealed.occurred_at,
           prev_hash = sealed.prev_hash, hash = sealed.hash
     where id = new.id;
    return null;
end
$$;

create constraint trigger audit_events_seal after insert on audit_events
    deferrable initially deferred
    for each row execute function audit_events_seal();

-- Still append-only. The one update allowed is the seal above: from inside a trigger, on a row
-- not yet sealed, leaving its content as it was.
create or replace function audit_events_append_only() returns trigger
    language plpgsql
as $$
begin
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
