import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

/**
 * Side-by-side cost of signing and verifying one Vigile-shaped access token with ES256 (P-256) and
 * RS256 (3072-bit), measured in the same JVM run. Run with {@code bench/jwt/run.sh}.
 */
public class JwtAlgorithmBench {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ecKeys = ec.generateKeyPair();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(3072);
        KeyPair rsaKeys = rsa.generateKeyPair();

        String payload = claims().toJson();
        // Warm up both paths, then alternate measured rounds so that machine noise hits both alike.
        for (int i = 0; i < 2; i++) {
            measure(payload, ecKeys, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, rounds / 4);
            measure(payload, rsaKeys, AlgorithmIdentifiers.RSA_USING_SHA256, rounds / 4);
        }
        double[] es = measure(payload, ecKeys, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, rounds);
        double[] rs = measure(payload, rsaKeys, AlgorithmIdentifiers.RSA_USING_SHA256, rounds);
        System.out.printf("| algorithm | sign µs/op | verify µs/op | token bytes |%n|---|---|---|---|%n");
        System.out.printf("| ES256 (P-256) | %.1f | %.1f | %.0f |%n", es[0], es[1], es[2]);
        System.out.printf("| RS256 (3072) | %.1f | %.1f | %.0f |%n", rs[0], rs[1], rs[2]);
        System.out.printf("ratios: RS256/ES256 sign %.1fx, verify %.2fx%n", rs[0] / es[0], rs[1] / es[1]);
    }

    static JwtClaims claims() {
        JwtClaims c = new JwtClaims();
        c.setIssuer("vigile");
        c.setSubject("8f2a1c8e-8c39-4f4e-9a53-0f7b1b9e6a11");
        c.setClaim("upn", "someone@example.com");
        c.setStringListClaim("groups", "USER", "ADMIN", "users:read", "users:write", "roles:read");
        c.setIssuedAtToNow();
        c.setExpirationTimeMinutesInTheFuture(5);
        c.setGeneratedJwtId();
        return c;
    }

    static double[] measure(String payload, KeyPair keys, String alg, int rounds) throws Exception {
        String token = null;
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(payload);
            jws.setAlgorithmHeaderValue(alg);
            jws.setKey(keys.getPrivate());
            token = jws.getCompactSerialization();
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setCompactSerialization(token);
            jws.setKey(keys.getPublic());
            if (!jws.verifySignature()) throw new IllegalStateException("verify failed");
        }
        long t2 = System.nanoTime();
        return new double[] {(t1 - t0) / 1e3 / rounds, (t2 - t1) / 1e3 / rounds, token.length()};
    }
}
