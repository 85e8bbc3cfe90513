/**
 * Shared signals: an OpenID Shared Signals Framework 1.0 transmitter. Services that trust Vigile's
 * tokens hear, as CAEP 1.0 and RISC Security Event Tokens (RFC 8417) signed with Vigile's keys,
 * that a session was revoked, a credential or a token's claims changed, or an account was
 * disabled, enabled or deleted. One stream per service account, managed by that account ({@code
 * ssf:streams}); events are written in the transaction of the change (a transactional outbox) and
 * delivered by poll (RFC 8936) or push (RFC 8935). Owns {@code ssf_streams}, {@code
 * ssf_excluded_subjects} and {@code ssf_events}. Uses {@code identity} through its façade and
 * events, and {@code security} to verify callers and sign events.
 */
package dev.vigile.signals;
