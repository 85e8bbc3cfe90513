package dev.vigile.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SigningKeyServiceTest {
    @Test
    void aConfiguredKeySignsAndExtraPublicKeysArePublishedBesideIt() {
        KeyPair current = SigningKeyStore.newKeyPair();
        KeyPair previous = SigningKeyStore.newKeyPair();
        KeyRing ring = SigningKeyService.fromConfiguration(
                Pem.encodePrivate(current.getPrivate()), Optional.of(Pem.encodePublic(previous.getPublic())));
        assertEquals(Jwks.thumbprint(current.getPublic()), ring.signingKid());
        assertEquals(2, ring.kids().size());
        assertTrue(ring.kids().contains(Jwks.thumbprint(previous.getPublic())));
        String jwks = ring.jwksJson();
        assertTrue(jwks.contains("\"kid\":\"" + ring.signingKid() + "\""), jwks);
        assertTrue(!jwks.contains("\"d\""), "public parts only");
    }
}
