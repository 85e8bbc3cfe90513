-- Users, roles and permissions, sessions (refresh-token families), signing keys.
-- Flyway owns this schema; Hibernate only validates it.

create table permissions (
    name        varchar(64)  primary key,
    description varchar(255) not null
);

create table roles (
    name        varchar(32)  primary key check (name ~ '^[A-Z][A-Z0-9_]{1,31}$'),
    description varchar(255),
    system      boolean      not null default false,
    created_at  timestamptz  not null default now()
);

create table role_permissions (
    role_name       varchar(32) not null references roles (name) on delete cascade on update cascade,
    permission_name varchar(64) not null references permissions (name) on delete cascade,
    primary key (role_name, permission_name)
);

create table users (
    id                 uuid         primary key,
    -- Stored normalized (trimmed, NFC, lower case): one account per email.
    email              varchar(254) not null,
    display_name       varchar(100),
    password_hash      varchar(255) not null,
    enabled            boolean      not null default true,
    -- Access tokens issued (iat) before this instant are refused: logout-all, password change,
    -- disabling and role changes move it forward.
    tokens_valid_after timestamptz,
    created_at         timestamptz  not null,
    updated_at         timestamptz  not null,
    last_login_at      timestamptz,
    version            bigint       not null default 0,
    constraint users_email_key unique (email),
    constraint users_email_normalized check (email = lower(btrim(email)))
);
create index users_created_at_idx on users (created_at desc, id);

create table user_roles (
    user_id   uuid        not null references users (id) on delete cascade,
    role_name varchar(32) not null references roles (name) on delete cascade on update cascade,
    primary key (user_id, role_name)
);
create index user_roles_role_idx on user_roles (role_name, user_id);

-- A session is one refresh-token family: created at login, rotated on each refresh.
create table sessions (
    id             uuid         primary key,
    user_id        uuid         not null references users (id) on delete cascade,
    created_at     timestamptz  not null,
    last_used_at   timestamptz  not null,
    expires_at     timestamptz  not null,
    revoked_at     timestamptz,
    revoked_reason varchar(32),
    ip             varchar(45),
    user_agent     varchar(512)
);
create index sessions_user_active_idx on sessions (user_id, last_used_at desc) where revoked_at is null;

-- Refresh tokens are stored only as SHA-256 hashes. A rotated token keeps its row so that its
-- reuse is recognised (RFC 9700 section 4.14.2) and revokes its family.
create table refresh_tokens (
    token_hash char(64)    primary key,
    session_id uuid        not null references sessions (id) on delete cascade,
    issued_at  timestamptz not null,
    rotated_at timestamptz
);
create index refresh_tokens_session_idx on refresh_tokens (session_id);

-- Token-signing keys, shared by every instance of a cluster. Published in the JWKS from creation
-- until retirement; used for signing from activation.
create table signing_keys (
    kid          varchar(64) primary key,
    algorithm    varchar(16) not null,
    private_key  text        not null,
    public_key   text        not null,
    created_at   timestamptz not null,
    activates_at timestamptz not null,
    retires_at   timestamptz
);

insert into permissions (name, description) values
    ('users:read',         'List and read users'),
    ('users:write',        'Create and update users'),
    ('users:delete',       'Delete users'),
    ('roles:read',         'List roles and permissions'),
    ('roles:write',        'Create, update and delete roles'),
    ('roles:assign',       'Assign roles to users'),
    ('audit:read',         'Read and verify the audit log'),
    ('dashboard:read',     'Read the admin dashboard'),
    ('notifications:send', 'Send notifications');

insert into roles (name, description, system) values
    ('USER',  'Every signed-up user', true),
    ('ADMIN', 'Every permission',     true);

insert into role_permissions (role_name, permission_name)
    select 'ADMIN', name from permissions;
