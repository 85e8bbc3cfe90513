/**
 * Service accounts: machine identities for other services (OAuth 2.0 client credentials, RFC 6749
 * section 4.4), their rotatable secrets, the token endpoint and token introspection (RFC 7662).
 * Owns {@code service_clients}, {@code service_client_roles} and {@code service_client_secrets}.
 * Uses {@code accounts} (roles and the anti-escalation rules) and {@code sessions} (whether a
 * token is cut off); a client's cut-off is {@code UserTokensCutOff} with the client's id, which
 * the revocation caches treat as a user's.
 */
package dev.vigile.identity.clients;
