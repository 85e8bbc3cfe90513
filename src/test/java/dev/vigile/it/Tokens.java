package dev.vigile.it;

import dev.vigile.security.control.Pem;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/** Access tokens minted with a server's own signing key (read from its database), for tests. */
final class Tokens {
    private Tokens() {}

    /** The key the server signs with now. */
    record ServerKey(String kid, PrivateKey key, PublicKey publicKey) {}

    static ServerKey serverKey(TestServer server) throws Exception {
        try (Connection c = server.db();
                ResultSet rs = c.createStatement()
                        .executeQuery(
                                "select kid, private_key, public_key from signing_keys where activates_at <= now()"
                                        + " order by activates_at desc limit 1")) {
            if (!rs.next()) {
                throw new AssertionError("the server has no signing key");
            }
            dev.vigile.security.KeyEncryption kek = dev.vigile.security.KeyEncryption.of(
                    java.util.Optional.of(TestServer.KEY_ENCRYPTION_KEY), java.util.Optional.empty());
            String kid = rs.getString(1);
            return new ServerKey(
                    kid, Pem.decodePrivate(kek.open(kid, rs.getString(2))), Pem.decodePublic(rs.getString(3)));
        }
    }

    /** Signs the claims as the server would (RS256, typ JWT, its kid), then lets a test tamper. */
    static String sign(ServerKey key, JwtClaims claims, Consumer<JsonWebSignature> tweak) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        jws.setKeyIdHeaderValue(key.kid());
        jws.setKey(key.key());
        tweak.accept(jws);
        return jws.getCompactSerialization();
    }

    /** A token for this user that expires in {@code seconds} (negative: already expired). */
    static String mint(TestServer server, String userId, String email, long seconds) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("vigile");
        claims.setSubject(userId);
        claims.setClaim("upn", email);
        claims.setClaim("sid", liveSession(server, userId));
        claims.setAudience("vigile");
        claims.setClaim("vigile_gen", generation(server, userId));
        claims.setStringListClaim("groups", List.of("USER"));
        long now = System.currentTimeMillis() / 1000;
        claims.setIssuedAt(NumericDate.fromSeconds(now + Math.min(0, seconds) - 1));
        claims.setExpirationTime(NumericDate.fromSeconds(now + seconds));
        claims.setJwtId(UUID.randomUUID().toString());
        return sign(serverKey(server), claims, j -> {});
    }

    /** A live session of the user, as every user token names one. */
    static String liveSession(TestServer server, String userId) throws Exception {
        try (java.sql.Connection c = server.db();
                java.sql.PreparedStatement ps = c.prepareStatement("select id::text from sessions"
                        + " where user_id = ?::uuid and revoked_at is null order by created_at desc limit 1")) {
            ps.setString(1, userId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new AssertionError("no live session of " + userId);
                }
                return rs.getString(1);
            }
        }
    }

    /** The user's token generation now: what the server would put in a token it minted. */
    static long generation(TestServer server, String userId) throws Exception {
        return server.number("select token_generation from users where id = ?::uuid", userId);
    }
}
