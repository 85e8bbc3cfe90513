-- Issue 35: the OpenID Shared Signals Framework transmitter. One stream per service account;
-- its events are written in the transaction of the change they tell (a transactional outbox), and
-- leave when the receiver acknowledges them (poll, RFC 8936) or accepts them (push, RFC 8935).

create table ssf_streams (
    id                 uuid          primary key,
    client_id          uuid          not null unique references service_clients (id) on delete cascade,
    audience           varchar(64)   not null,
    delivery_method    varchar(64)   not null,
    endpoint_url       varchar(2048),
    -- The Authorization header a push carries (the receiver's own secret for its endpoint), never shown back.
    push_authorization text,
    events_requested   text          not null,
    description        varchar(255),
    status             varchar(16)   not null default 'enabled' check (status in ('enabled', 'paused', 'disabled')),
    created_at         timestamptz   not null,
    updated_at         timestamptz   not null
);

-- Subjects a receiver asked not to hear about (remove_subject); every other subject is sent.
create table ssf_excluded_subjects (
    stream_id uuid not null references ssf_streams (id) on delete cascade,
    user_id   uuid not null,
    primary key (stream_id, user_id)
);

create table ssf_events (
    id              bigserial    primary key,
    stream_id       uuid         not null references ssf_streams (id) on delete cascade,
    jti             uuid         not null unique,
    claims          text         not null,
    created_at      timestamptz  not null,
    attempts        integer      not null default 0,
    next_attempt_at timestamptz  not null
);
create index ssf_events_stream_idx on ssf_events (stream_id, id);
create index ssf_events_due_idx on ssf_events (next_attempt_at);
