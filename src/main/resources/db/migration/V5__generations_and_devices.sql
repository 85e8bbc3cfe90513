-- Cut-offs by counter, not by clock. A token carries the user's token generation read in the
-- same statement as the roles and permissions it lists; every change of roles, of a role's
-- permissions, of the password, a logout-all, a disable bumps it in the changing transaction, so a
-- token minted from the state before a change is refused once the change commits, whatever the
-- clocks say. Time stamps could not do this: a cut-off instant taken before the change committed
-- was older than a token signed from the old roles just after it.
alter table users add column token_generation bigint not null default 0;
-- Bumped when every session of the user ends (password change, logout-all, admin sign-out,
-- disable): a login that checked the password before such a change finds it moved and fails,
-- so no session made with the old credential outlives the change.
alter table users add column credential_epoch bigint not null default 0;
alter table users drop column tokens_valid_after;

-- Device tokens (OWASP Authentication Cheat Sheet, "device cookies"): handed out at each
-- successful login, presented at later ones. Failed logins that present a valid one are limited
-- per device, so a stranger's failures on the account's email do not lock the owner out. Stored
-- only as SHA-256 hashes of 256-bit random values, bound to one user.
create table device_tokens (
    id           uuid        primary key,
    user_id      uuid        not null references users (id) on delete cascade,
    token_hash   varchar(64) not null,
    created_at   timestamptz not null,
    last_used_at timestamptz not null,
    constraint device_tokens_hash_key unique (token_hash)
);
create index device_tokens_user_idx on device_tokens (user_id, last_used_at);
