-- Issue 15: mail, account recovery, email verification and TOTP multi-factor authentication.

-- Whether the user proved they read mail at their address, their language for mail, and whether
-- a confirmed second factor guards their sign-in (kept in step with mfa_totp by the identity
-- feature, so that reading a user needs no join).
alter table users add column email_verified boolean not null default false;
alter table users add column locale varchar(8);
alter table users add column mfa_enabled boolean not null default false;

-- How the session was signed in (RFC 8176 "amr"): a second factor is carried by every token the
-- session's refreshes issue.
alter table sessions add column mfa boolean not null default false;

-- The outbox (owned by the mail feature): a mail is a row written in the transaction of the change
-- that causes it, so a rolled-back change sends nothing; a worker sends it after commit, holding
-- the row locked (FOR UPDATE SKIP LOCKED) while it talks to SMTP, so no two instances send it.
create table mail_outbox (
    id              bigserial    primary key,
    recipient       varchar(320) not null,
    subject         varchar(300) not null,
    text_body       text         not null,
    html_body       text         not null,
    created_at      timestamptz  not null,
    next_attempt_at timestamptz  not null,
    attempts        integer      not null default 0,
    sent_at         timestamptz,
    failed_at       timestamptz,
    last_error      varchar(500)
);
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where sent_at is null and failed_at is null;

-- Single-use tokens sent by mail (password reset, email verification, email change): only the
-- SHA-256 of 256 random bits is stored. "email" is the address the token was sent to, which a
-- verification proves.
create table email_tokens (
    token_hash  varchar(64)  primary key,
    user_id     uuid         not null references users (id) on delete cascade,
    purpose     varchar(16)  not null check (purpose in ('reset', 'verify', 'email_change')),
    email       varchar(320) not null,
    created_at  timestamptz  not null,
    expires_at  timestamptz  not null,
    used_at     timestamptz,
    failures    integer      not null default 0
);
create index email_tokens_user_idx on email_tokens (user_id, purpose);

-- TOTP (RFC 6238): the secret sealed with the key-encryption key like the signing keys; a row
-- without confirmed_at is an enrollment in progress. last_step is the time step of the last code
-- accepted: a code is accepted once, by a conditional update.
create table mfa_totp (
    user_id      uuid         primary key references users (id) on delete cascade,
    secret       text         not null,
    created_at   timestamptz  not null,
    confirmed_at timestamptz,
    last_step    bigint       not null default 0
);

-- Recovery codes: SHA-256 hashes of random codes, each usable once.
create table mfa_recovery_codes (
    user_id    uuid        not null references users (id) on delete cascade,
    code_hash  varchar(64) not null,
    used_at    timestamptz,
    primary key (user_id, code_hash)
);

-- The second step of a sign-in with MFA: a short-lived, single-use token naming the user, the
-- credential it checked and the device it came from; five wrong codes void it.
create table mfa_challenges (
    token_hash       varchar(64) primary key,
    user_id          uuid        not null references users (id) on delete cascade,
    credential_epoch bigint      not null,
    device_id        uuid,
    created_at       timestamptz not null,
    expires_at       timestamptz not null,
    failures         integer     not null default 0,
    used_at          timestamptz
);
create index mfa_challenges_user_idx on mfa_challenges (user_id);
