package dev.vigile.security.control;

import java.time.Instant;

/**
 * The arithmetic of per-user cut-offs. JWT {@code iat} has one-second precision, so a cut-off at
 * instant T (a whole second) refuses every token with {@code iat < T}; the issuer dates later
 * tokens no earlier than T so they pass.
 */
public final class TokenCutoffs {
  private TokenCutoffs() {}

  public static long ceilSeconds(Instant instant) {
    long s = instant.getEpochSecond();
    return instant.getNano() > 0 ? s + 1 : s;
  }

  /**
   * The stored cut-off for "now": the next whole second, so that every token issued up to now
   * (whose {@code iat} is at most the current second) is refused.
   */
  public static Instant cutoffAt(Instant now) {
    return Instant.ofEpochSecond(now.getEpochSecond() + 1);
  }

  public static boolean refused(long issuedAtSeconds, Instant cutoff) {
    return cutoff != null && issuedAtSeconds < ceilSeconds(cutoff);
  }
}
