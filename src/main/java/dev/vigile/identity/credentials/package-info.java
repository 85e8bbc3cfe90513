/**
 * Credentials: the password (change, reset by a mailed link), the second factor (TOTP enrollment,
 * recovery codes, removal), address verification and email change. Owns {@code email_tokens},
 * {@code mfa_totp} and {@code mfa_recovery_codes}. {@code SecondFactors} is the façade a sign-in
 * or a reset uses to check and use up a factor in its own unit of work. Uses {@code accounts};
 * a change of factor is announced ({@code MfaChanged}) for sessions to follow. Passkeys will join
 * this component.
 */
package dev.vigile.identity.credentials;
