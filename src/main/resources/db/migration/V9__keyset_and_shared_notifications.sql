-- Issue 17: pages of a long audit log without a count per page, and notifications to a role or to
-- everyone stored once.

-- The number of sealed audit events, kept by the seal itself (under the chain's lock, at commit),
-- so that the unfiltered total of a log of millions is one row read instead of a scan per page.
create table audit_event_count (
    only_row boolean primary key default true check (only_row),
    sealed   bigint  not null
);
insert into audit_event_count (sealed) select count(*) from audit_events where id > 0;

create function audit_events_count_sealed() returns trigger
    language plpgsql
    security definer
    set search_path = pg_catalog, public
as $$
begin
    update audit_event_count set sealed = sealed + 1;
    return null;
end
$$;

-- Deferred like the seal, and named after it: at commit it runs after the row is sealed, while
-- the chain's lock is held, so counts follow commits and never race.
create constraint trigger audit_events_sealed_count after insert on audit_events
    deferrable initially deferred
    for each row execute function audit_events_count_sealed();

-- A notification to a role or to everyone: one row, whatever the audience's size. Its id comes from
-- the inbox's sequence, so one user's notifications of both kinds keep one increasing order.
-- It reaches the accounts that existed when it was sent and hold its role when they read (none
-- for everyone); it is read per user in notification_shared_reads.
create table notification_shared (
    id         bigint      primary key,
    message_id bigint      not null unique references notification_messages (id) on delete cascade,
    role_name  varchar(32) references roles (name) on delete cascade on update cascade,
    created_at timestamptz not null
);
create index notification_shared_role_idx on notification_shared (role_name, id);
create index notification_shared_all_idx on notification_shared (id) where role_name is null;

create table notification_shared_reads (
    user_id   uuid        not null references users (id) on delete cascade,
    shared_id bigint      not null references notification_shared (id) on delete cascade,
    read_at   timestamptz not null,
    primary key (user_id, shared_id)
);
