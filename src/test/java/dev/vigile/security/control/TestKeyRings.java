package dev.vigile.security.control;

import java.security.KeyPair;
import java.util.Map;

/** Key rings for unit tests, made current as the server's would be. */
public final class TestKeyRings {
    private TestKeyRings() {}

    public static KeyPair newKeyPair() {
        return SigningKeyStore.newKeyPair();
    }

    /** A ring signing with the first pair and publishing all of them, made current. */
    public static KeyRing use(KeyPair signing, KeyPair... alsoPublished) {
        java.util.Map<String, java.security.PublicKey> published = new java.util.HashMap<>();
        published.put(kid(signing), signing.getPublic());
        for (KeyPair pair : alsoPublished) {
            published.put(kid(pair), pair.getPublic());
        }
        KeyRing ring = new KeyRing(kid(signing), signing.getPrivate(), Map.copyOf(published));
        KeyRing.Current.set(ring);
        return ring;
    }

    public static String kid(KeyPair pair) {
        return Jwks.thumbprint(pair.getPublic());
    }
}
