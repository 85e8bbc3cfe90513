package dev.vigile.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class TokenCutoffsTest {
    @Test
    void aTokenOfAnOlderGenerationIsRefused() {
        assertFalse(TokenCutoffs.refused(3, 3), "minted from the current state");
        assertTrue(TokenCutoffs.refused(2, 3), "minted before the last cut-off");
        assertFalse(TokenCutoffs.refused(4, 3), "minted after a cut-off this instance has not seen yet");
    }

    @Test
    void aMissingOrMalformedClaimCountsAsTheOldestGeneration() {
        assertEquals(-1, TokenCutoffs.generationOf(null));
        assertEquals(-1, TokenCutoffs.generationOf("7"));
        assertEquals(-1, TokenCutoffs.generationOf(Json.createValue(new BigDecimal("7.5"))));
        assertEquals(7, TokenCutoffs.generationOf(Json.createValue(7L)));
        assertEquals(7, TokenCutoffs.generationOf(7L));
        assertTrue(TokenCutoffs.refused(TokenCutoffs.generationOf(null), 0));
    }
}
