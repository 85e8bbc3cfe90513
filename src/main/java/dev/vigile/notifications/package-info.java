/**
 * Notifications: owns {@code notifications}, {@code notification_messages}, {@code
 * notification_shared} and {@code notification_shared_reads}; sends to a user, a role or everyone,
 * and tells users what happened to their account ({@code identity.events}). May use {@code users},
 * {@code audit}, {@code security}, {@code common}, {@code platform}.
 */
package dev.vigile.notifications;
