package dev.vigile.security.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class BearerTokenAuthModuleTest {
    @Test
    void theSchemeIsCaseInsensitiveAndItsSpacesAreSkipped() {
        assertEquals("a.b.c", BearerTokenAuthModule.bearerToken("Bearer a.b.c"));
        assertEquals("a.b.c", BearerTokenAuthModule.bearerToken("bearer a.b.c"));
        assertEquals("a.b.c", BearerTokenAuthModule.bearerToken("BEARER    a.b.c"));
        assertEquals(
                "a.b.c ", BearerTokenAuthModule.bearerToken("Bearer a.b.c "), "the token is the verifier's to refuse");
    }

    @Test
    void anythingElseIsNoToken() {
        assertNull(BearerTokenAuthModule.bearerToken(null));
        assertNull(BearerTokenAuthModule.bearerToken(""));
        assertNull(BearerTokenAuthModule.bearerToken("Bearer"));
        assertNull(BearerTokenAuthModule.bearerToken("Bearer "));
        assertNull(BearerTokenAuthModule.bearerToken("Bearer     "));
        assertNull(BearerTokenAuthModule.bearerToken("Bearer\ta.b.c"));
        assertNull(BearerTokenAuthModule.bearerToken("Bearer\0a.b.c"));
        assertNull(BearerTokenAuthModule.bearerToken("Bearera.b.c"));
        assertNull(BearerTokenAuthModule.bearerToken("Basic dXNlcjpwYXNz"));
        assertNull(BearerTokenAuthModule.bearerToken("Beаrer a.b.c"), "a Cyrillic а is not the scheme");
        assertNull(BearerTokenAuthModule.bearerToken(" Bearer a.b.c"));
    }
}
