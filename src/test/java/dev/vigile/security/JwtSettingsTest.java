package dev.vigile.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The issuer's choice (issue 35): VIGILE_JWT_ISSUER, else the public URL, else the legacy word. */
class JwtSettingsTest {
    @Test
    void theIssuerIsTheSettingElseThePublicUrlWithoutItsSlashesElseTheLegacyWord() {
        assertEquals(
                "https://id.example.com/realm",
                JwtSettings.issuerOf(Optional.of(" https://id.example.com/realm "), Optional.of("https://other")));
        assertEquals(
                "https://id.example.com",
                JwtSettings.issuerOf(Optional.empty(), Optional.of("https://id.example.com//")));
        assertEquals(
                "https://id.example.com",
                JwtSettings.issuerOf(Optional.of("  "), Optional.of("https://id.example.com")));
        assertEquals("vigile", JwtSettings.issuerOf(Optional.empty(), Optional.of(" ")));
        assertEquals("vigile", JwtSettings.issuerOf(Optional.empty(), Optional.empty()));
    }

    @Test
    void tokensOfTheLegacyIssuerStayAcceptedBesideTheNewOne() {
        JwtSettings s = JwtSettings.defaults();
        s.configuredIssuer = "https://id.example.com";
        assertArrayEquals(new String[] {"https://id.example.com", "vigile"}, s.issuersAccepted());
        s = JwtSettings.defaults();
        s.configuredIssuer = "https://id.example.com";
        s.acceptedIssuers = List.of(" ");
        assertArrayEquals(new String[] {"https://id.example.com"}, s.issuersAccepted());
    }
}
