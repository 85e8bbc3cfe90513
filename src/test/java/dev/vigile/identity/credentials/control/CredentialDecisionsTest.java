package dev.vigile.identity.credentials.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The credentials' decisions, apart from HTTP and the database. */
class CredentialDecisionsTest {
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    static final Duration WINDOW = Duration.ofHours(24);

    /**
     * Whether a reset drops the account's factors (docs/security.md, "An address never verified"):
     * only for an address never proven, past the verification window, on an account holding only
     * USER. Each other case keeps the factor, so a reset there needs it.
     */
    @Test
    void onlyANeverProvenAddressPastTheWindowOnAPlainAccountLosesItsFactors() {
        Instant old = NOW.minus(Duration.ofDays(3));
        assertTrue(AddressProof.unproven(false, old, Set.of("USER"), NOW, WINDOW));
        assertTrue(
                AddressProof.unproven(false, NOW.minus(WINDOW), Set.of("USER"), NOW, WINDOW),
                "the window's end is past it");
        assertFalse(AddressProof.unproven(true, old, Set.of("USER"), NOW, WINDOW), "proven");
        assertFalse(
                AddressProof.unproven(false, NOW.minus(Duration.ofHours(23)), Set.of("USER"), NOW, WINDOW),
                "still in its window");
        assertFalse(
                AddressProof.unproven(false, old, Set.of("USER", "SUPPORT"), NOW, WINDOW),
                "vouched for by an administrator");
        assertFalse(AddressProof.unproven(false, old, Set.of(), NOW, WINDOW), "not a plain account");
    }

    @Test
    void recoveryCodesAreTenUniqueAndReadableAndMatchAsTyped() {
        List<String> codes = SecondFactors.newRecoveryCodes();
        assertEquals(10, codes.size());
        assertEquals(10, new HashSet<>(codes).size());
        for (String code : codes) {
            assertTrue(code.matches("[a-hjkmnp-z2-9]{6}-[a-hjkmnp-z2-9]{6}"), code);
        }
        String code = codes.get(0);
        String typed = " " + code.toUpperCase(java.util.Locale.ROOT).replace("-", " - ") + " ";
        assertEquals(
                MfaFactors.recoveryHash(code), MfaFactors.recoveryHash(typed), "case, spaces and dashes do not matter");
        assertNotEquals(MfaFactors.recoveryHash(code), MfaFactors.recoveryHash(codes.get(1)));
    }
}
