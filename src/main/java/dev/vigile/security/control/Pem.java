package dev.vigile.security.control;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** PEM encoding of RSA keys: PKCS#8 private keys and X.509 SubjectPublicKeyInfo public keys. */
public final class Pem {
    private Pem() {}

    public static String encodePrivate(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    public static String encodePublic(PublicKey key) {
        return encode("PUBLIC KEY", key.getEncoded());
    }

    public static PrivateKey decodePrivate(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(body(pem)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a PKCS#8 PEM RSA private key", null);
        }
    }

    public static PublicKey decodePublic(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(body(pem)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a PEM RSA public key", null);
        }
    }

    /** The public half of an RSA private key. */
    public static PublicKey publicOf(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException("The private key must be an RSA CRT key");
        }
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    private static byte[] body(String pem) {
        String stripped = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "")
                .replaceAll("\\\\n", "")
                .replaceAll("\\s", "");
        return Base64.getDecoder().decode(stripped);
    }
}
