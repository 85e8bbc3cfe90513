package dev.vigile.security.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenCutoffsTest {
  @Test
  void tokensIssuedUpToTheCutoffAreRefusedAndLaterOnesPass() {
    Instant now = Instant.parse("2026-11-24T08:00:10.500Z");
    Instant cutoff = TokenCutoffs.cutoffAt(now);
    // A token issued earlier in the same second has iat = 10: refused.
    assertTrue(TokenCutoffs.refused(now.getEpochSecond(), cutoff));
    // The issuer dates new tokens no earlier than the cut-off: accepted.
    long issued = Math.max(now.getEpochSecond(), TokenCutoffs.ceilSeconds(cutoff));
    assertFalse(TokenCutoffs.refused(issued, cutoff));
    // Exactly on a whole second too.
    Instant whole = Instant.parse("2026-11-24T08:00:10Z");
    assertTrue(TokenCutoffs.refused(whole.getEpochSecond(), TokenCutoffs.cutoffAt(whole)));
    assertFalse(TokenCutoffs.refused(123, null));
  }
}
