package dev.vigile.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenCutoffsTest {
  static final Instant NOW = Instant.parse("2026-11-24T08:00:10.500123Z");

  @Test
  void tokensIssuedUpToTheCutoffAreRefusedAndLaterOnesPass() {
    Instant cutoff = TokenCutoffs.cutoffAt(NOW, null);
    assertTrue(TokenCutoffs.refused(TokenCutoffs.micros(NOW), cutoff), "issued at the cut-off");
    assertTrue(TokenCutoffs.refused(TokenCutoffs.micros(NOW) - 1, cutoff));
    long next = TokenCutoffs.issuedAtMicros(NOW, cutoff);
    assertEquals(TokenCutoffs.micros(NOW) + 1, next, "dated just past the cut-off, same clock reading");
    assertFalse(TokenCutoffs.refused(next, cutoff));
    assertFalse(TokenCutoffs.refused(123, null));
  }

  @Test
  void aSecondCutoffInTheSameInstantStillRefusesTokensIssuedAfterTheFirst() {
    Instant first = TokenCutoffs.cutoffAt(NOW, null);
    long refreshed = TokenCutoffs.issuedAtMicros(NOW, first);
    // The clock has not moved (or moved back on another node): the cut-off still advances.
    Instant second = TokenCutoffs.cutoffAt(NOW, first);
    assertTrue(TokenCutoffs.refused(refreshed, second));
    assertFalse(TokenCutoffs.refused(TokenCutoffs.issuedAtMicros(NOW, second), second));
  }

  @Test
  void microsecondsRoundTrip() {
    assertEquals(NOW, TokenCutoffs.ofMicros(TokenCutoffs.micros(NOW)));
  }
}
