-- Passkeys (WebAuthn Level 3, issue 36), owned by identity's credentials component.

-- The opaque user handle a user's passkeys carry (user.id of the creation options): random, never
-- the email or the user's id, so an authenticator's list of accounts tells nobody who the user is.
create table passkey_handles (
    user_id uuid  primary key references users (id) on delete cascade,
    handle  bytea not null unique
);

-- One row per registered credential. credential: the attested credential data (AAGUID, credential
-- id, COSE public key) as the relying-party library serialises it.
create table passkeys (
    id              uuid        primary key,
    user_id         uuid        not null references users (id) on delete cascade,
    credential_id   bytea       not null,
    credential      bytea       not null,
    sign_count      bigint      not null,
    backup_eligible boolean     not null,
    backed_up       boolean     not null,
    transports      varchar(200),
    name            varchar(64) not null,
    created_at      timestamptz not null,
    last_used_at    timestamptz
);
-- A credential id is registered once, to anyone.
create unique index passkeys_credential_idx on passkeys (credential_id);
create index passkeys_user_idx on passkeys (user_id, created_at);

-- Ceremonies under way: a challenge is single-use, short-lived, and bound to its purpose; a
-- registration's to its user and the credential epoch it was asked under, a second step's to the
-- MFA token. In the database, so any member of a cluster finishes what another began.
create table passkey_challenges (
    id               uuid        primary key,
    purpose          varchar(16) not null check (purpose in ('register', 'sign-in', 'second-factor')),
    challenge        bytea       not null,
    user_id          uuid        references users (id) on delete cascade,
    credential_epoch bigint,
    mfa_token_hash   varchar(64),
    created_at       timestamptz not null,
    expires_at       timestamptz not null
);
create index passkey_challenges_expiry_idx on passkey_challenges (expires_at);
create index passkey_challenges_user_idx on passkey_challenges (user_id) where user_id is not null;

-- User.passkeyCount, kept by the credentials component in the transaction of each change.
alter table users add column passkey_count integer not null default 0;

-- How a session's sign-in was proven (the amr of its access tokens), and the passkey it used:
-- removing that passkey ends the sessions it started.
alter table sessions add column amr varchar(32);
alter table sessions add column passkey_id uuid;
create index sessions_passkey_idx on sessions (passkey_id) where passkey_id is not null;
