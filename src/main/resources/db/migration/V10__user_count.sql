-- Issue 17: the user list's unfiltered total without a scan of the users per page. At 100,000
-- users the count was the largest part of a page; at 50 pages per second it saturated the machine.
-- The count is kept at commit by a deferred trigger, so a registration holds its row only while
-- it commits, and a rolled-back one never counts.
create table user_count (
    only_row boolean primary key default true check (only_row),
    users    bigint  not null
);
insert into user_count (users) select count(*) from users;

create function users_count_change() returns trigger
    language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        update user_count set users = users + 1;
    else
        update user_count set users = users - 1;
    end if;
    return null;
end
$$;

create constraint trigger users_counted after insert or delete on users
    deferrable initially deferred
    for each row execute function users_count_change();
