-- Indexes the sweeps (SweepDue) delete by, so that removing what lapsed reads only what lapsed.
-- None is on a column a refresh updates (last_used_at of sessions), which would cost every refresh
-- its heap-only update.
create index sessions_expires_idx on sessions (expires_at);
create index sessions_revoked_idx on sessions (revoked_at) where revoked_at is not null;
create index device_tokens_last_used_idx on device_tokens (last_used_at);
create index email_tokens_expires_idx on email_tokens (expires_at);
create index mfa_challenges_expires_idx on mfa_challenges (expires_at);
create index mail_outbox_sent_idx on mail_outbox (sent_at) where sent_at is not null;
create index mail_outbox_failed_idx on mail_outbox (failed_at) where failed_at is not null;
