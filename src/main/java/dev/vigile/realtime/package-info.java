/**
 * The WebSocket endpoint: connection registry, protocol, delivery and resume of notifications.
 * Owns no table. May use {@code identity}, {@code notifications}, {@code security}, {@code common}, {@code platform}.
 */
package dev.vigile.realtime;
