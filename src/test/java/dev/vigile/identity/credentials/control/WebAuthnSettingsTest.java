package dev.vigile.identity.credentials.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where passkeys are bound: never the request's host, always the configuration's. */
class WebAuthnSettingsTest {
    @Test
    void theRelyingPartyIdIsTheConfiguredOneElseThePublicUrlsHostElseLocalhost() {
        assertEquals(
                "login.example.com",
                WebAuthnSettings.rpId(Optional.of(" Login.Example.com "), Optional.of("https://id.example.com")));
        assertEquals(
                "id.example.com",
                WebAuthnSettings.rpId(Optional.empty(), Optional.of("https://ID.example.com:8443/vigile/")));
        assertEquals("localhost", WebAuthnSettings.rpId(Optional.of(" "), Optional.empty()));
    }

    @Test
    void theOriginsAreThePublicUrlsAndTheConfiguredOnesWithoutDefaultPortsOrPaths() {
        assertEquals(
                Set.of("https://id.example.com", "https://app.example.com", "http://localhost:3000"),
                WebAuthnSettings.origins(
                        Optional.of("https://app.example.com:443/, ,http://LOCALHOST:3000"),
                        Optional.of("https://id.example.com/vigile"),
                        null));
        assertEquals(
                Set.of("http://localhost:8080"), WebAuthnSettings.origins(Optional.empty(), Optional.empty(), null));
        assertEquals(
                Set.of("http://localhost:9090"), WebAuthnSettings.origins(Optional.empty(), Optional.empty(), "9090"));
        assertEquals(
                Set.of("http://localhost:8080"),
                WebAuthnSettings.origins(Optional.empty(), Optional.empty(), "80; rm"));
        assertThrows(
                IllegalArgumentException.class,
                () -> WebAuthnSettings.origins(Optional.of("not a url"), Optional.empty(), null));
    }
}
