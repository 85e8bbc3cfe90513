package dev.vigile.security.control;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of the keys: the one that signs now, and every public key published in
 * the JWKS (the signing one, the next one and those still verifying older tokens).
 */
public record KeyRing(String signingKid, PrivateKey signingKey, Map<String, PublicKey> published) {
    public static final String ALGORITHM = "RS256";
    public static final int RSA_BITS = 3072;

    public KeyRing {
        Objects.requireNonNull(signingKid);
        Objects.requireNonNull(signingKey);
        published = Map.copyOf(published);
        if (!published.containsKey(signingKid)) {
            throw new IllegalArgumentException("The signing key must be published");
        }
    }

    /** The JWKS document (RFC 7517) of the published keys. */
    public String jwksJson() {
        return Jwks.toJson(published);
    }

    public List<String> kids() {
        return published.keySet().stream().sorted().toList();
    }

    /** The holder read by the token verifier and the JWKS endpoint. */
    public static final class Current {
        private static volatile KeyRing ring;

        private Current() {}

        public static KeyRing get() {
            return ring;
        }

        static void set(KeyRing newRing) {
            ring = newRing;
        }
    }
}
