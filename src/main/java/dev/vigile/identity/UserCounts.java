package dev.vigile.identity;

import java.util.Map;

/** Users: all, enabled, created after a given time, and holders per role (every role listed). */
public record UserCounts(long total, long enabled, long createdSince, Map<String, Long> byRole) {}
