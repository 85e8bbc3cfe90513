package dev.vigile.it;

import dev.vigile.security.control.Pem;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/** Access tokens minted with a server's own signing key (read from its database), for tests. */
final class Tokens {
  private Tokens() {}

  /** A token for this user that expires in {@code seconds} (negative: already expired). */
  static String mint(TestServer server, String userId, String email, long seconds) throws Exception {
    String kid;
    PrivateKey key;
    try (Connection c = server.db();
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "select kid, private_key from signing_keys where activates_at <= now()"
                        + " order by activates_at desc limit 1")) {
      rs.next();
      kid = rs.getString(1);
      key = Pem.decodePrivate(rs.getString(2));
    }
    JwtClaims claims = new JwtClaims();
    claims.setIssuer("vigile");
    claims.setSubject(userId);
    claims.setClaim("upn", email);
    claims.setStringListClaim("groups", List.of("USER"));
    long now = System.currentTimeMillis() / 1000;
    claims.setIssuedAt(NumericDate.fromSeconds(now + Math.min(0, seconds) - 1));
    claims.setExpirationTime(NumericDate.fromSeconds(now + seconds));
    claims.setJwtId(UUID.randomUUID().toString());
    JsonWebSignature jws = new JsonWebSignature();
    jws.setPayload(claims.toJson());
    jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
    jws.setHeader("typ", "JWT");
    jws.setKeyIdHeaderValue(kid);
    jws.setKey(key);
    return jws.getCompactSerialization();
  }
}
