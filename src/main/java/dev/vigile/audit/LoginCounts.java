package dev.vigile.audit;

import java.time.Instant;
import java.util.Map;

/** Logins counted from the audit log: totals over a period, and per hour (success, failure). */
public record LoginCounts(long succeeded, long failed, Map<Instant, long[]> perHour) {}
