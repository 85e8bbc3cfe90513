package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigile.security.control.Pem;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forged and broken access tokens (RFC 8725): each is refused with 401 problem+json, never a 500.
 * Tokens are minted here with the server's own key, read from its database, so a refusal proves
 * the check rather than an unknown key.
 */
@SharedServer
class TokenForgeryIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();
    String kid;
    PrivateKey key;
    RSAPublicKey publicKey;
    JsonNode user;

    @BeforeEach
    void loadServerKey() throws Exception {
        String email = Api.uniqueEmail();
        String password = "a long enough passphrase " + UUID.randomUUID();
        Api.Res registered = api.register(email, password);
        assertEquals(201, registered.status(), registered.toString());
        user = registered.json();
        revokedSession =
                Api.claims(user.get("access_token").asText()).get("sid").asText();
        // One cut-off, so that generation 0 is a real, past generation of this user.
        assertEquals(
                204,
                api.post("/api/auth/logout-all", null, user.get("access_token").asText())
                        .status());
        // Every user token names a session: the forged ones name a live one.
        Api.Res in = api.login(email, password);
        assertEquals(200, in.status(), in.toString());
        session = Api.claims(in.json().get("access_token").asText()).get("sid").asText();
        generation = Tokens.generation(server, user.get("user").get("id").asText());
        assertEquals(1, generation);
        Tokens.ServerKey serverKey = Tokens.serverKey(server);
        serverKeyRef = serverKey;
        kid = serverKey.kid();
        key = serverKey.key();
        publicKey = (RSAPublicKey) serverKey.publicKey();
    }

    Tokens.ServerKey serverKeyRef;
    long generation;
    /** A live session of the user, and the one logout-all revoked. */
    String session;

    String revokedSession;

    JwtClaims claims() {
        JwtClaims c = new JwtClaims();
        c.setIssuer("vigile");
        c.setSubject(user.get("user").get("id").asText());
        c.setClaim("upn", user.get("user").get("email").asText());
        c.setClaim("sid", session);
        c.setAudience("vigile");
        c.setClaim("vigile_gen", generation);
        c.setStringListClaim("groups", List.of("USER"));
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        c.setJwtId(UUID.randomUUID().toString());
        return c;
    }

    String sign(JwtClaims claims, Consumer<JsonWebSignature> tweak) throws Exception {
        return Tokens.sign(serverKeyRef, claims, tweak);
    }

    void assertRefused(String token, String why) {
        Api.Res r = api.get("/api/users/me", token);
        assertEquals(401, r.status(), why + ": " + r);
        assertEquals("application/problem+json", r.header("Content-Type").split(";")[0], why);
        assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"), why);
        assertTrue(!r.body().contains("Exception") && !r.body().contains("at "), why);
    }

    @Test
    void aTokenMintedWithTheServerKeyIsAccepted() throws Exception {
        // The control case: the forgeries below differ from this in one respect each.
        Api.Res r = api.get("/api/users/me", sign(claims(), j -> {}));
        assertEquals(200, r.status(), r.toString());
    }

    /**
     * RFC 6750 section 2.1 and RFC 9110 section 11.1: the scheme is case-insensitive and followed by
     * one or more spaces. A valid token under any spelling of it is the caller; another scheme, or
     * the scheme with nothing after it, is no token at all.
     */
    @Test
    void theBearerSchemeIsCaseInsensitiveAndMaySpanSpaces() throws Exception {
        String token = sign(claims(), j -> {});
        for (String header : List.of("bearer " + token, "BEARER " + token, "bEaReR " + token, "Bearer   " + token)) {
            Api.Res r = api.send(
                    api.request("/api/users/me").header("Authorization", header).GET());
            assertEquals(200, r.status(), header.substring(0, 10) + ": " + r);
            assertEquals(claims().getClaimValue("upn"), r.json().get("email").asText());
        }
        for (String header :
                List.of("Bearer", "Bearer ", "Bearer\t" + token, "Basic " + token, "Bearertoken" + token)) {
            Api.Res r = api.send(
                    api.request("/api/users/me").header("Authorization", header).GET());
            assertEquals(401, r.status(), header + ": " + r);
            assertEquals("application/problem+json", r.header("Content-Type").split(";")[0]);
            assertTrue(r.header("WWW-Authenticate").startsWith("Bearer realm="), r.toString());
        }
    }

    @Test
    void algNoneIsRefused() throws Exception {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        assertRefused(header + "." + b64(claims().toJson()) + ".", "alg none");
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        byte[] secret = Pem.encodePublic(publicKey).getBytes(StandardCharsets.US_ASCII);
        String token = sign(claims(), j -> {
            j.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
            j.setKey(new HmacKey(secret));
            j.setDoKeyValidation(false);
        });
        assertRefused(token, "HS256 with the public key");
    }

    @Test
    void aTamperedPayloadIsRefused() throws Exception {
        String[] parts = sign(claims(), j -> {}).split("\\.");
        JwtClaims admin = claims();
        admin.setStringListClaim("groups", List.of("USER", "ADMIN", "users:read"));
        assertRefused(parts[0] + "." + b64(admin.toJson()) + "." + parts[2], "tampered payload");
    }

    @Test
    void wrongIssuerExpiredAndMissingClaimsAreRefused() throws Exception {
        JwtClaims wrongIssuer = claims();
        wrongIssuer.setIssuer("someone-else");
        assertRefused(sign(wrongIssuer, j -> {}), "wrong issuer");

        JwtClaims expired = claims();
        expired.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 600));
        expired.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 300));
        assertRefused(sign(expired, j -> {}), "expired");

        JwtClaims wrongAudience = claims();
        wrongAudience.setAudience("another-service");
        assertRefused(sign(wrongAudience, j -> {}), "wrong audience");
        JwtClaims staleGeneration = claims();
        staleGeneration.setClaim("vigile_gen", generation - 1);
        assertRefused(sign(staleGeneration, j -> {}), "a generation before the user's last cut-off");
        JwtClaims fractionalGeneration = claims();
        fractionalGeneration.setClaim("vigile_gen", generation + 0.5);
        assertRefused(sign(fractionalGeneration, j -> {}), "a generation that is not an integer");
        JwtClaims revoked = claims();
        revoked.setClaim("sid", revokedSession);
        assertRefused(sign(revoked, j -> {}), "a session that was revoked");
        JwtClaims strangersSession = claims();
        strangersSession.setClaim("sid", UUID.randomUUID().toString());
        assertRefused(sign(strangersSession, j -> {}), "a session that never was");
        for (String claim : List.of("iss", "sub", "exp", "iat", "jti", "aud", "vigile_gen", "sid")) {
            JwtClaims missing = claims();
            missing.unsetClaim(claim);
            assertRefused(sign(missing, j -> {}), "missing " + claim);
        }
        JwtClaims stringExp = claims();
        stringExp.setClaim("exp", "tomorrow");
        assertRefused(sign(stringExp, j -> {}), "exp of the wrong type");
        JwtClaims notAUser = claims();
        notAUser.setSubject("not-a-uuid");
        assertRefused(sign(notAUser, j -> {}), "subject that is not a user id");
        JwtClaims unknownUser = claims();
        unknownUser.setSubject(UUID.randomUUID().toString());
        assertRefused(sign(unknownUser, j -> {}), "subject of no user");
    }

    @Test
    void aTokenNotYetValidIsRefused() throws Exception {
        // RFC 7519 section 4.1.5: a token must not be accepted before its nbf (Payara's MP-JWT
        // mechanism, which Vigile's replaced, ignored it).
        JwtClaims early = claims();
        early.setNotBeforeMinutesInThePast(-10);
        assertRefused(sign(early, j -> {}), "nbf ten minutes ahead");
        JwtClaims started = claims();
        started.setNotBeforeMinutesInThePast(1);
        assertEquals(200, api.get("/api/users/me", sign(started, j -> {})).status(), "nbf passed");
    }

    @Test
    void aTokenUsedManyTimesStillExpiresAndIsStillCutOff() throws Exception {
        // The server remembers tokens it has verified: that must change neither expiry nor cut-off.
        JwtClaims shortLived = claims();
        long exp = NumericDate.now().getValue() + 6;
        shortLived.setExpirationTime(NumericDate.fromSeconds(exp));
        String token = sign(shortLived, j -> {});
        for (int i = 0; i < 3; i++) {
            assertEquals(200, api.get("/api/users/me", token).status(), "before exp");
        }
        org.awaitility.Awaitility.await("the token's expiry")
                .atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(250))
                .until(() -> NumericDate.now().getValue() > exp);
        assertRefused(token, "expired after it was used");

        String access = user.get("access_token").asText();
        // The login token predates the cut-off in loadServerKey: mint a current one and use it.
        String current = sign(claims(), j -> {});
        for (int i = 0; i < 3; i++) {
            assertEquals(200, api.get("/api/users/me", current).status());
        }
        assertRefused(access, "the token cut off by logout-all");
        assertEquals(204, api.post("/api/auth/logout-all", null, current).status());
        assertRefused(current, "cut off after it was used");
    }

    @Test
    void unknownKidAndForeignKeyAreRefused() throws Exception {
        assertRefused(sign(claims(), j -> j.setKeyIdHeaderValue("no-such-key")), "unknown kid");
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072);
        PrivateKey foreign = g.generateKeyPair().getPrivate();
        assertRefused(sign(claims(), j -> j.setKey(foreign)), "signed by another key, our kid");
    }

    @Test
    void wrongTypAndGarbageAreRefused() throws Exception {
        assertRefused(sign(claims(), j -> j.setHeader("typ", "at+jwt")), "typ other than JWT");
        assertRefused("garbage", "garbage");
        assertRefused("a.b.c", "three garbage parts");
        assertRefused(b64("{}") + "." + b64("{}") + "." + b64("x"), "empty header");
        assertRefused("e30." + new BigInteger(1, new byte[] {1}).toString() + ".x.y.z", "five parts");
        Api.Res lowercase = api.send(
                api.request("/api/users/me").header("Authorization", "bearer x").GET());
        assertEquals(401, lowercase.status());
    }

    /**
     * The mechanism reads a bearer token on every request, public ones included (so that a resource
     * with roles finds its caller already known). On a public route a forged, cut-off or valid token
     * changes nothing: the answer is the anonymous one, never a 401 or a 500; a client that still
     * sends its cut-off token signs in and refreshes as if it sent none.
     */
    @Test
    void publicRoutesAnswerAsForAnonymousWhateverTheBearerToken() throws Exception {
        String valid = sign(claims(), j -> {});
        JwtClaims old = claims();
        old.setClaim("vigile_gen", 0);
        String cutOff = sign(old, j -> {});
        String forged = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims().toJson()) + ".";
        assertRefused(cutOff, "the cut-off token on a route with roles");
        String email = "bearer-" + UUID.randomUUID() + "@example.com";
        String password = "a long enough passphrase " + UUID.randomUUID();
        assertEquals(201, api.register(email, password).status());
        for (String token : List.of(valid, cutOff, forged, "garbage")) {
            Api.Res jwks = api.get("/.well-known/jwks.json", token);
            assertEquals(200, jwks.status(), jwks.toString());
            assertTrue(jwks.json().get("keys").size() > 0, jwks.toString());
            Api.Res live = api.get("/health/live", token);
            assertEquals(200, live.status(), live.toString());
            Api.Res login = api.call("POST", "/api/auth/login", Api.obj("email", email, "password", password), token);
            assertEquals(200, login.status(), login.toString());
            assertTrue(login.json().get("access_token").asText().length() > 20, login.toString());
            Api.Res refreshed = api.call(
                    "POST",
                    "/api/auth/refresh",
                    Api.obj("refreshToken", login.json().get("refresh_token").asText()),
                    token);
            assertEquals(200, refreshed.status(), refreshed.toString());
            assertEquals(
                    200,
                    api.get(
                                    "/api/users/me",
                                    refreshed.json().get("access_token").asText())
                            .status());
        }
        Api.Res wrong = api.call("POST", "/api/auth/login", Api.obj("email", email, "password", "not it"), valid);
        assertEquals(401, wrong.status(), "a valid bearer token does not stand in for the password: " + wrong);
        assertEquals("application/problem+json", wrong.header("Content-Type").split(";")[0]);
        assertEquals(200, api.get("/api/users/me", valid).status(), "the valid one still works where roles are asked");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
