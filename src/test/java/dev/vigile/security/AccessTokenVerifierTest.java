package dev.vigile.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vigile.security.control.TestKeyRings;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The verifier remembers the tokens it has verified: what it answers from memory must be what a
 * full verification would answer at that moment (expiry by the clock, a retired key, the exact
 * text), and what failed must never be remembered.
 */
class AccessTokenVerifierTest {
    static final long START = 1_800_000_000L;

    final AtomicLong now = new AtomicLong(START * 1000);
    final AccessTokenVerifier verifier = new AccessTokenVerifier();
    KeyPair key;
    UUID user = UUID.randomUUID();
    UUID session = UUID.randomUUID();

    @BeforeEach
    void setUp() {
        verifier.clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };

        verifier.settings = dev.vigile.security.JwtSettings.defaults();
        key = TestKeyRings.newKeyPair();
        TestKeyRings.use(key);
    }

    String token(KeyPair signer, long expiresAt) throws Exception {
        return token(signer, expiresAt, session.toString());
    }

    /** A user's token; {@code sid} null leaves the claim out. */
    String token(KeyPair signer, long expiresAt, Object sid) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("vigile");
        claims.setAudience("vigile");
        claims.setSubject(user.toString());
        claims.setClaim("upn", "ada@example.com");
        if (sid != null) {
            claims.setClaim("sid", sid);
        }
        claims.setClaim("vigile_gen", 3);
        claims.setStringListClaim("groups", List.of("USER", "users:read"));
        claims.setIssuedAt(NumericDate.fromSeconds(START));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt));
        claims.setJwtId(UUID.randomUUID().toString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKeyIdHeaderValue(TestKeyRings.kid(signer));
        jws.setKey(signer.getPrivate());
        return jws.getCompactSerialization();
    }

    /**
     * One signature has one text (RFC 7515 appendix C: no padding, no spare bits): a valid token
     * with a character added to its signature, or its last character swapped for one that decodes
     * to the same bytes, is another token and is refused. Found by introspection's test (issue 35):
     * both were accepted.
     */
    @Test
    void aSignatureIsAcceptedInItsOneCanonicalTextOnly() throws Exception {
        String token = token(key, START + 300);
        assertInstanceOf(AccessTokenVerifier.Valid.class, verifier.verify(token));
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token + "x"));
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token + "AA"));
        char last = token.charAt(token.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int index = alphabet.indexOf(last);
        // With 2048-bit keys the last character carries 2 bits; its 4 spare bits change nothing once decoded.
        char twin = alphabet.charAt((index & ~0xF) | ((index + 1) & 0xF));
        assertInstanceOf(
                AccessTokenVerifier.Invalid.class,
                verifier.verify(token.substring(0, token.length() - 1) + twin),
                "a spare-bit twin of the signature");
    }

    /**
     * Every user token names its session: a password change ends the other sessions' tokens by
     * their {@code sid} alone, so a signed user token without one (or with one that is not a
     * session id) is refused, never taken for a session-less caller.
     */
    @Test
    void aUserTokenWithoutItsSessionIsRefused() throws Exception {
        assertInstanceOf(AccessTokenVerifier.Valid.class, verifier.verify(token(key, START + 300)));
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token(key, START + 300, null)));
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token(key, START + 300, 42)));
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token(key, START + 300, "not-a-session")));
    }

    @Test
    void aVerifiedTokenIsTheCallerAsMicroProfileJwtTypesIt() throws Exception {
        var valid = assertInstanceOf(AccessTokenVerifier.Valid.class, verifier.verify(token(key, START + 300)));
        assertEquals(new CurrentCaller(user, "ada@example.com", session, 3), valid.caller());
        JsonWebToken jwt = valid.token();
        assertEquals("ada@example.com", jwt.getName());
        assertEquals(user.toString(), jwt.getSubject());
        assertEquals(Set.of("USER", "users:read"), jwt.getGroups());
        assertEquals(Set.of("vigile"), jwt.getAudience());
        assertEquals(START + 300, jwt.getExpirationTime());
        assertEquals(session.toString(), jwt.getClaim("sid"));
        assertEquals(3L, ((jakarta.json.JsonNumber) jwt.getClaim("vigile_gen")).longValue());
        assertSame(valid.caller(), CurrentCaller.of(jwt));
        assertEquals("VerifiedToken[ada@example.com]", jwt.toString(), "no token text in logs");
    }

    @Test
    void aRememberedTokenExpiresByTheClockLikeAFreshOne() throws Exception {
        String token = token(key, START + 300);
        var first = verifier.verify(token);
        now.set((START + 299) * 1000 + 999);
        assertSame(first, verifier.verify(token), "answered from memory before exp");
        now.set((START + 300) * 1000);
        assertInstanceOf(AccessTokenVerifier.Expired.class, verifier.verify(token));
        assertInstanceOf(AccessTokenVerifier.Expired.class, verifier.verify(token));
    }

    @Test
    void aRetiredKeyRefusesTheTokensItSignedEvenOnceRemembered() throws Exception {
        String token = token(key, START + 300);
        assertInstanceOf(AccessTokenVerifier.Valid.class, verifier.verify(token));
        KeyPair next = TestKeyRings.newKeyPair();
        TestKeyRings.use(next, key);
        assertInstanceOf(AccessTokenVerifier.Valid.class, verifier.verify(token), "still published");
        TestKeyRings.use(next);
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token), "retired");
    }

    @Test
    void aReloadedRingWithTheSameKeysKeepsWhatWasVerified() throws Exception {
        String token = token(key, START + 300);
        var first = verifier.verify(token);
        TestKeyRings.use(key);
        assertSame(first, verifier.verify(token));
    }

    @Test
    void onlyTheExactTextIsRemembered() throws Exception {
        String token = token(key, START + 300);
        assertInstanceOf(AccessTokenVerifier.Valid.class, verifier.verify(token));
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(tampered));
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token + " "));
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token + "\u0000"));
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token.replace('.', '\u2024')));
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token + "."));
        assertInstanceOf(
                AccessTokenVerifier.Invalid.class, verifier.verify(token.substring(0, token.lastIndexOf('.') + 1)));
        assertInstanceOf(AccessTokenVerifier.Valid.class, verifier.verify(token), "the original still verifies");
    }

    @Test
    void aRefusalIsNotRememberedAndATokenWithoutKidIsRefused() throws Exception {
        KeyPair other = TestKeyRings.newKeyPair();
        String token = token(other, START + 300);
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(token), "unknown kid");
        TestKeyRings.use(key, other);
        assertInstanceOf(AccessTokenVerifier.Valid.class, verifier.verify(token), "key now published");

        JsonWebSignature noKid = new JsonWebSignature();
        noKid.setPayload("{\"iss\":\"vigile\",\"sub\":\"" + user + "\"}");
        noKid.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        noKid.setHeader("typ", "JWT");
        noKid.setKey(key.getPrivate());
        assertInstanceOf(AccessTokenVerifier.Invalid.class, verifier.verify(noKid.getCompactSerialization()));
    }

    @Test
    void twoTokensOfTheSameCallerAreKeptApart() throws Exception {
        var a = verifier.verify(token(key, START + 300));
        var b = verifier.verify(token(key, START + 120));
        assertNotSame(a, b);
        now.set((START + 200) * 1000);
        assertInstanceOf(AccessTokenVerifier.Expired.class, verifier.verify(token(key, START + 120)));
    }
}
