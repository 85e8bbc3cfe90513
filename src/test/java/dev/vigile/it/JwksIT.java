package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/** The JWKS publishes the key that verifies the access tokens, which carry the contract's claims. */
@SharedServer
class JwksIT {
    final Api api = new Api();

    @Test
    void jwksVerifiesIssuedTokensWhichCarryTheRequiredClaims() throws Exception {
        Api.Res jwks = api.get("/.well-known/jwks.json", null);
        assertEquals(200, jwks.status());
        assertTrue(jwks.header("Content-Type").startsWith("application/jwk-set+json"));
        JsonNode key = jwks.json().get("keys").get(0);
        assertEquals("RSA", key.get("kty").asText());
        assertEquals("RS256", key.get("alg").asText());
        assertEquals("sig", key.get("use").asText());
        assertEquals(384, Base64.getUrlDecoder().decode(key.get("n").asText()).length, "3072-bit modulus");
        assertTrue(!jwks.body().contains("\"d\""), "no private part");

        JsonNode tokens = api.newUser();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(tokens.get("access_token").asText());
        assertEquals("JWT", jws.getHeader("typ"));
        assertEquals("RS256", jws.getAlgorithmHeaderValue());
        jws.setKey(new VerificationJwkSelector()
                .select(jws, new JsonWebKeySet(jwks.body()).getJsonWebKeys())
                .getKey());
        assertTrue(jws.verifySignature());

        JwtClaims claims = JwtClaims.parse(jws.getPayload());
        assertEquals("vigile", claims.getIssuer());
        assertEquals(tokens.get("user").get("id").asText(), claims.getSubject());
        assertEquals(tokens.get("user").get("email").asText(), claims.getStringClaimValue("upn"));
        assertTrue(claims.getStringListClaimValue("groups").contains("USER"));
        assertEquals(
                300,
                claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue());
        assertTrue(claims.getJwtId().length() >= 32);
        assertTrue(claims.hasClaim("sid"));
    }

    /**
     * On Linux x86-64 (these machines, the container image) AWS-LC signs the tokens verified above;
     * the readiness check says which signer an instance uses.
     */
    @Test
    void theReadinessCheckNamesTheSigner() throws Exception {
        JsonNode keys = api.readinessCheck("vigile-signing-keys");
        assertEquals("loaded", keys.get("data").get("signingKeys").asText());
        assertEquals(
                Api.nativeLibrariesLoad() ? "AmazonCorrettoCryptoProvider" : "JDK",
                keys.get("data").get("signer").asText(),
                keys.toString());
    }
}
