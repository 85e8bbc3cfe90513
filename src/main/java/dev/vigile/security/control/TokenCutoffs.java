package dev.vigile.security.control;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The arithmetic of per-user cut-offs. JWT {@code iat} has one-second precision, too coarse: a
 * token refreshed just before a role change in the same second would survive it. So every access
 * token also carries its issue time in microseconds ({@value #CLAIM}), the precision PostgreSQL
 * stores the cut-off with. A cut-off C refuses every token issued at or before C; the issuer dates
 * later tokens strictly after C; and each new cut-off moves strictly past the previous one, so it
 * also refuses tokens dated just after that one.
 */
public final class TokenCutoffs {
  /** The private claim holding the issue time in epoch microseconds. */
  public static final String CLAIM = "vigile_iat_us";

  private TokenCutoffs() {}

  public static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }

  public static Instant ofMicros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /** The cut-off for "now", given the one in force (or null): now, and past the previous one. */
  public static Instant cutoffAt(Instant now, Instant previous) {
    long c = micros(now);
    if (previous != null) {
      c = Math.max(c, micros(previous) + 1);
    }
    return ofMicros(c);
  }

  /** A token's issue time: now, but strictly after the user's cut-off so that it passes it. */
  public static long issuedAtMicros(Instant now, Instant cutoff) {
    long t = micros(now);
    return cutoff == null ? t : Math.max(t, micros(cutoff) + 1);
  }

  public static boolean refused(long issuedAtMicros, Instant cutoff) {
    return cutoff != null && issuedAtMicros <= micros(cutoff);
  }
}
