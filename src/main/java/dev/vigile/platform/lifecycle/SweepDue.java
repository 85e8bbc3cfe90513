package dev.vigile.platform.lifecycle;

import java.time.Instant;

/**
 * Time to remove what has lapsed: fired by {@link Sweeper} every {@code VIGILE_SWEEP_INTERVAL} on
 * every member. Each feature observes it and deletes its own lapsed rows (one owner per table), in
 * batches that skip rows another member holds, so members sweeping at once neither wait on nor
 * deadlock with each other.
 */
public record SweepDue(Instant at) {}
