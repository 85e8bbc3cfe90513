package dev.vigile.platform.lifecycle;

/**
 * Fired (synchronously) when the instance starts draining before shutdown: whoever holds
 * long-lived connections tells their clients to reconnect elsewhere.
 */
public record Draining() {}
