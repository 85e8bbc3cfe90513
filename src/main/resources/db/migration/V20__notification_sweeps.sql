-- Indexes the notification sweep deletes by (NotificationSweep): read notifications by when they
-- were read, messages by age.
create index notifications_read_idx on notifications (read_at) where read_at is not null;
create index notification_messages_created_idx on notification_messages (created_at);
