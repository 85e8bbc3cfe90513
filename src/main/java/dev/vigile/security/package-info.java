/**
 * Tokens and credentials machinery: signing keys (owns {@code signing_keys}), access-token issuing
 * and checking, password hashing and policy, throttling (owns {@code throttle_buckets}).
 * May use {@code common} and {@code platform} only.
 */
package dev.vigile.security;
