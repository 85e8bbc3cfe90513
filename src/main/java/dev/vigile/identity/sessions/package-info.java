/**
 * Sessions: sign-in (password, second step, registration), token refresh with rotation and reuse
 * detection, device tokens, sign-out, and the token cut-off that every credential event causes
 * ({@code CutOffs}, the revocation matrix of docs/security.md), with the revocation caches shared
 * across the cluster ({@code TokenRevocation}). Owns {@code sessions}, {@code refresh_tokens},
 * {@code device_tokens} and {@code mfa_challenges}. Uses {@code accounts} and {@code
 * credentials}; observes their events inside the changing transaction.
 */
package dev.vigile.identity.sessions;
