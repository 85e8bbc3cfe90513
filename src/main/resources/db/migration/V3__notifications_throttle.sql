-- Phase 5: the notification inbox, and login-throttling counters shared by every instance.

-- One notification as sent: its content and audience. Each recipient gets an inbox row.
create table notification_messages (
    id             bigint generated always as identity primary key,
    kind           varchar(64)   not null,
    title          varchar(200)  not null,
    body           varchar(4000) not null default '',
    data           jsonb,
    audience_type  varchar(8)    not null check (audience_type in ('user', 'role', 'all')),
    audience_value varchar(64),
    sender_id      uuid,
    recipients     integer       not null default 0,
    created_at     timestamptz   not null
);

-- The inbox, the source of truth: a notification's id is its row here, increasing per user.
create table notifications (
    id         bigint generated always as identity primary key,
    message_id bigint      not null references notification_messages (id) on delete cascade,
    user_id    uuid        not null references users (id) on delete cascade,
    read_at    timestamptz
);
create index notifications_user_idx on notifications (user_id, id);
create index notifications_unread_idx on notifications (user_id, id) where read_at is null;
create index notifications_message_idx on notifications (message_id, user_id);

-- Bucket4j's token buckets for failed-login throttling, per account and per address, so that a
-- lockout holds whichever instance a request reaches. Rows expire once their bucket is full again.
create table throttle_buckets (
    id         varchar(320) primary key,
    state      bytea,
    expires_at bigint
);
create index throttle_buckets_expires_idx on throttle_buckets (expires_at);
