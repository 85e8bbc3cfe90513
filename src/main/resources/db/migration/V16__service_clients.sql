-- Issue 35: service accounts (OAuth 2.0 client credentials, RFC 6749 section 4.4).
-- A client holds roles as a user does; its tokens carry its token generation, which every
-- cut-off (disabled, roles changed, a secret removed, a role's permissions changed) moves on.

insert into permissions (name, description) values
    ('clients:read',      'List and read service accounts'),
    ('clients:write',     'Create, change and delete service accounts and their secrets'),
    ('tokens:introspect', 'Introspect access tokens (RFC 7662)'),
    ('ssf:streams',       'Manage shared-signals streams')
on conflict (name) do nothing;

insert into role_permissions (role_name, permission_name)
    select 'ADMIN', name from permissions
        where name in ('clients:read', 'clients:write', 'tokens:introspect', 'ssf:streams')
on conflict do nothing;

create table service_clients (
    id               uuid         primary key,
    -- The public identifier a client authenticates with (and its tokens' sub: client:<client_id>).
    client_id        varchar(64)  not null unique check (client_id ~ '^[A-Za-z0-9_-]{8,64}$'),
    name             varchar(100) not null,
    enabled          boolean      not null default true,
    token_generation bigint       not null default 0,
    created_at       timestamptz  not null,
    updated_at       timestamptz  not null,
    expires_at       timestamptz,
    last_used_at     timestamptz,
    created_by       uuid
);
create index service_clients_created_at_idx on service_clients (created_at desc, id);

create table service_client_roles (
    client_id uuid        not null references service_clients (id) on delete cascade,
    role_name varchar(32) not null references roles (name) on delete cascade on update cascade,
    primary key (client_id, role_name)
);
create index service_client_roles_role_idx on service_client_roles (role_name, client_id);

-- At most two per client (a rotation); only a SHA-256 of each is kept: a secret is 256 random
-- bits, so a fast hash does not help a guesser, and the token endpoint stays cheap.
create table service_client_secrets (
    id           uuid        primary key,
    client_id    uuid        not null references service_clients (id) on delete cascade,
    secret_hash  bytea       not null unique,
    created_at   timestamptz not null,
    expires_at   timestamptz,
    last_used_at timestamptz
);
create index service_client_secrets_client_idx on service_client_secrets (client_id, created_at);
