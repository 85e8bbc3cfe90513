/**
 * Notifications: owns {@code notifications}, {@code notification_messages}, {@code
 * notification_shared}, {@code notification_shared_reads}, {@code notification_read_marks} and
 * {@code notification_shared_version}; sends to a user, a role or everyone,
 * and tells users what happened to their account ({@code identity.events}). What it needs of
 * accounts it asks identity: its façade ({@code identity.Directory}: whether a user exists, how
 * many enabled accounts a role reaches) and, for the inbox queries, the view {@code
 * identity_inbox_readers} that identity's migrations keep; it runs no SQL on identity's tables
 * ({@code TableOwnershipTest}). May use {@code identity}, {@code audit}, {@code security}, {@code
 * common}, {@code platform}.
 */
package dev.vigile.notifications;
