/**
 * The identity context: accounts, roles and permissions, credentials, sessions, refresh and
 * device tokens, and the token cut-off. Owns {@code users}, {@code user_roles}, {@code roles},
 * {@code permissions}, {@code role_permissions}, {@code sessions}, {@code refresh_tokens},
 * {@code device_tokens}, and for recovery and MFA {@code email_tokens}, {@code mfa_totp}, {@code
 * mfa_recovery_codes} and {@code mfa_challenges}; it alone runs SQL on them, but for one read: a notification's fan-out
 * ({@code notifications.control.NotificationService#send}) selects its recipients inside its own
 * insert, so that it races neither a deletion nor a role change. Announces account changes as typed events
 * ({@code identity.events}), observed inside the changing transaction. May use {@code security}
 * (hashing, signing, throttling), {@code audit}, {@code notifications}, {@code mail} (its outbox
 * and templates, through {@code Mailer} and {@code MailTemplates}), {@code common} and {@code
 * platform}.
 */
package dev.vigile.identity;
