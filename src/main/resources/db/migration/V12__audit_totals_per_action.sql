-- Issue 17, part 5: the total of an audit page filtered by action or outcome without counting.
--
-- A page of `action=auth.login` among ten million events counted its two million matches for
-- `total` at every request: 37 s at the median under 50 pages a second, half the pages refused.
-- The seal already kept the number of sealed events in one row; it now keeps it per action and
-- outcome, so the total of the unfiltered log, of an action, of an outcome or of both is a sum
-- over a few dozen rows. Totals with any other filter (actor, target, time) still count, through
-- their indexes.
create table audit_event_tally (
    action  varchar(64) not null,
    outcome varchar(8)  not null,
    sealed  bigint      not null check (sealed > 0),
    primary key (action, outcome)
);

-- Under the chain's lock, so that no seal commits between the count and the switch below.
select pg_advisory_xact_lock(7363102836530911013);

insert into audit_event_tally (action, outcome, sealed)
select action, outcome, count(*) from audit_events where id > 0 group by action, outcome;

-- Still run by the constraint trigger audit_events_sealed_count: at commit, after the seal (the
-- triggers fire in name order), while the chain's lock is held. The row's action and outcome are
-- as inserted; the seal changes neither.
create or replace function audit_events_count_sealed() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, public
as $$
begin
    insert into audit_event_tally as t (action, outcome, sealed)
    values (new.action, new.outcome, 1)
    on conflict (action, outcome) do update set sealed = t.sealed + 1;
    return null;
end
$$;

drop table audit_event_count;

-- The previous release reads the total from here while a rolling update replaces it.
create view audit_event_count as
select coalesce(sum(sealed), 0)::bigint as sealed from audit_event_tally;
