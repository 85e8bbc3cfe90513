package dev.vigile.security.control;

import java.security.PublicKey;
import java.util.Map;
import java.util.TreeMap;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/** JWK helpers on jose4j: key ids are RFC 7638 thumbprints. */
public final class Jwks {
    private Jwks() {}

    public static String thumbprint(PublicKey key) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(key).calculateBase64urlEncodedThumbprint("SHA-256");
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    static String toJson(Map<String, PublicKey> keys) {
        try {
            JsonWebKeySet set = new JsonWebKeySet();
            for (Map.Entry<String, PublicKey> e : new TreeMap<>(keys).entrySet()) {
                PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(e.getValue());
                jwk.setKeyId(e.getKey());
                jwk.setUse("sig");
                jwk.setAlgorithm(KeyRing.ALGORITHM);
                set.addJsonWebKey(jwk);
            }
            return set.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
