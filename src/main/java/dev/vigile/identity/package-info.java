/**
 * The identity context, in three components that form no cycle ({@code ArchitectureTest}):
 * {@code accounts} (users, roles, permissions), {@code credentials} (passwords, second factors,
 * mailed links; uses accounts) and {@code sessions} (sign-in, refresh, device tokens, MFA
 * challenges, the token cut-off; uses both). Each component owns its tables and alone writes them
 * ({@code TableOwnershipTest}). Other features ask this package's façade ({@link
 * dev.vigile.identity.Directory}) or read the views identity's migrations keep for them ({@code
 * identity_inbox_readers}), and hear of changes through typed events ({@code identity.events}),
 * observed inside the changing transaction. May use {@code security} (hashing, signing,
 * throttling), {@code audit}, {@code mail} (its outbox and templates, through {@code Mailer} and
 * {@code MailTemplates}), {@code common} and {@code platform}.
 */
package dev.vigile.identity;
