package dev.vigile.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.security.control.TestKeyRings;
import java.security.KeyPair;
import java.security.Security;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Access tokens are signed by AWS-LC where it loads (these machines: Linux on x86-64), and what it
 * signs verifies with the JDK's own RSA, the way any client of the JWKS checks it.
 */
class AccessTokenIssuerTest {
    final AccessTokenIssuer issuer = new AccessTokenIssuer();
    KeyPair key;

    @BeforeEach
    void setUp() {
        issuer.clock = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

        issuer.settings = JwtSettings.defaults();
        key = TestKeyRings.newKeyPair();
        TestKeyRings.use(key);
    }

    @AfterEach
    void tearDown() {
        issuer.releaseSigner();
    }

    @Test
    void theNativeProviderSignsAndTheJdkVerifies() throws Exception {
        issuer.settings.nativeSigning = true;
        issuer.chooseSigner();
        assertEquals("AmazonCorrettoCryptoProvider", issuer.signingProvider());
        // Appended: asking for RSA without naming a provider still gets the JDK's.
        assertNotEquals(
                "AmazonCorrettoCryptoProvider",
                Signature.getInstance("SHA256withRSA").getProvider().getName());
        assertVerifiesWithTheJdk(issue());
    }

    @Test
    void switchedOffTheJdkSignsAndNothingIsRegistered() throws Exception {
        issuer.settings.nativeSigning = false;
        issuer.chooseSigner();
        assertEquals("JDK", issuer.signingProvider());
        assertNull(Security.getProvider("AmazonCorrettoCryptoProvider"));
        assertVerifiesWithTheJdk(issue());
    }

    @Test
    void stoppingTheApplicationRemovesTheProviderItAdded() {
        issuer.settings.nativeSigning = true;
        issuer.chooseSigner();
        assertNotNull(Security.getProvider("AmazonCorrettoCryptoProvider"));
        issuer.releaseSigner();
        assertNull(Security.getProvider("AmazonCorrettoCryptoProvider"));
    }

    @Test
    void bothSignersMakeTheSameSignature() throws Exception {
        // RSASSA-PKCS1-v1_5 is deterministic: same key and input, same bytes, whoever signs.
        byte[] input = "header.payload".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        issuer.settings.nativeSigning = true;
        issuer.chooseSigner();
        Signature aws = Signature.getInstance("SHA256withRSA", "AmazonCorrettoCryptoProvider");
        aws.initSign(key.getPrivate());
        aws.update(input);
        Signature jdk = Signature.getInstance("SHA256withRSA");
        jdk.initSign(key.getPrivate());
        jdk.update(input);
        assertEquals("AmazonCorrettoCryptoProvider", aws.getProvider().getName());
        assertEquals(
                Base64.getEncoder().encodeToString(jdk.sign()),
                Base64.getEncoder().encodeToString(aws.sign()));
    }

    private String issue() {
        return issuer.issue(UUID.randomUUID(), "ada@example.com", List.of("USER"), UUID.randomUUID(), 1, List.of("pwd"))
                .value();
    }

    private void assertVerifiesWithTheJdk(String token) throws Exception {
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length, token);
        Signature jdk = Signature.getInstance("SHA256withRSA");
        assertFalse(jdk.getProvider().getName().startsWith("Amazon"));
        jdk.initVerify(key.getPublic());
        jdk.update((parts[0] + "." + parts[1]).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(jdk.verify(Base64.getUrlDecoder().decode(parts[2])), "the JDK verifies the signature");
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        jws.setKey(key.getPublic());
        assertTrue(jws.verifySignature());
        // And a token with one changed byte does not verify.
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        JsonWebSignature bad = new JsonWebSignature();
        bad.setCompactSerialization(tampered);
        bad.setKey(key.getPublic());
        assertFalse(bad.verifySignature());
    }
}
