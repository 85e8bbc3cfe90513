-- Issue 37: an inbox whose reads cost the same at a million users. At the dataset's 2,000
-- broadcasts, every page and unread count joined each visible broadcast with its message and the
-- reader's read of it (5 ms a count, 0.15 of a fresh database's rate). Now each member keeps the
-- broadcasts' ids, times and roles in memory (a few thousand rows at most: the sweep removes them at
-- VIGILE_NOTIFICATION_MAX_AGE) and reads them again only when the table's stamp has changed; the database
-- is asked for the reader's own rows and for the messages of the page only.

create table notification_shared_version (
    only_row boolean primary key default true check (only_row),
    stamp    uuid    not null
);
insert into notification_shared_version (stamp) values (gen_random_uuid());

-- Every row that changes in notification_shared gives the table a new random stamp, in its
-- transaction: a member that reads the stamp and finds its copy's knows the copy is the table as
-- committed. Random, not counted: a database restored or failed over to a replica behind the
-- members' copies must not match them. Per row, so that a statement that touches none (a swept
-- personal message's cascade) leaves the copies alone; cascades from a swept message or a deleted
-- or renamed role are rows too.
create function notification_shared_changed() returns trigger
    language plpgsql
    set search_path = pg_catalog, public
as $$
begin
    update notification_shared_version set stamp = gen_random_uuid();
    return null;
end
$$;

create trigger notification_shared_versioned after insert or update or delete on notification_shared
    for each row execute function notification_shared_changed();
create trigger notification_shared_truncated after truncate on notification_shared
    for each statement execute function notification_shared_changed();

-- "Read all" no longer writes a read per broadcast (users times broadcasts rows, and a reader whose
-- count had to skip them all): it records a mark instead. A mark covers the shared notifications up
-- to shared_through that were for everyone or for one of the roles the reader held then (the roles
-- are kept, so that a role gained later brings its earlier notifications in unread, as before);
-- read at marked_at. A reader has one mark per read-all that covered something new; the sweep
-- removes a mark once every notification it covers is gone.
create table notification_read_marks (
    id             bigserial    primary key,
    user_id        uuid         not null references users (id) on delete cascade,
    shared_through bigint       not null,
    roles          varchar(32)[] not null,
    marked_at      timestamptz  not null
);
create index notification_read_marks_user_idx on notification_read_marks (user_id, shared_through);
create index notification_read_marks_through_idx on notification_read_marks (shared_through);
