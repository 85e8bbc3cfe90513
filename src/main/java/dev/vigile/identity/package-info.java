/**
 * The identity context: accounts, roles and permissions, credentials, sessions, refresh and
 * device tokens, and the token cut-off. Owns {@code users}, {@code user_roles}, {@code roles},
 * {@code permissions}, {@code role_permissions}, {@code sessions}, {@code refresh_tokens},
 * {@code device_tokens}, {@code user_count}, and for recovery and MFA {@code email_tokens}, {@code
 * mfa_totp}, {@code mfa_recovery_codes} and {@code mfa_challenges}; it alone runs SQL on them
 * ({@code TableOwnershipTest}). Other features ask its façade ({@code Directory}) or read the views
 * its migrations keep for them ({@code identity_inbox_readers}). Announces account changes as
 * typed events ({@code identity.events}), observed inside the changing transaction. May use
 * {@code security} (hashing, signing, throttling), {@code audit}, {@code mail} (its outbox and
 * templates, through {@code Mailer} and {@code MailTemplates}), {@code common} and {@code
 * platform}.
 */
package dev.vigile.identity;
