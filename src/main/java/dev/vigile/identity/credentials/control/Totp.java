package dev.vigile.identity.credentials.control;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * TOTP (RFC 6238) with java-otp: 160-bit secrets, six digits, 30-second steps, HMAC-SHA1 (what
 * authenticator apps read from an {@code otpauth://} URI), one step of clock drift either way.
 * The QR code of the URI is drawn by ZXing and written as SVG here.
 */
@ApplicationScoped
public class Totp {
    static final Duration STEP = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base32 BASE32 = new Base32();

    @Inject
    @ConfigProperty(name = "vigile.mfa.issuer", defaultValue = "Vigile")
    String issuer;

    private final TimeBasedOneTimePasswordGenerator generator = new TimeBasedOneTimePasswordGenerator(STEP);

    /** A fresh secret, base32 without padding. */
    public String newSecret() {
        byte[] secret = new byte[20];
        RANDOM.nextBytes(secret);
        return BASE32.encodeToString(secret).replace("=", "");
    }

    /** The {@code otpauth://} URI authenticator apps enroll from. */
    public String uri(String account, String secret) {
        String label = encode(issuer) + ":" + encode(account);
        return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=6&period=" + STEP.toSeconds();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The time step whose code {@code code} is, within one step of {@code now}; empty when it is
     * none of them (or not six digits).
     */
    public OptionalLong matchingStep(String secret, String code, Instant now) {
        if (code == null || !code.matches("[0-9]{6}")) {
            return OptionalLong.empty();
        }
        SecretKeySpec key = new SecretKeySpec(BASE32.decode(secret), generator.getAlgorithm());
        long current = now.getEpochSecond() / STEP.toSeconds();
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        long found = -1;
        for (long step = current - 1; step <= current + 1; step++) {
            try {
                String expected =
                        generator.generateOneTimePasswordString(key, Instant.ofEpochSecond(step * STEP.toSeconds()));
                // Every candidate is compared, in constant time, whichever matches.
                if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given) && found < 0) {
                    found = step;
                }
            } catch (InvalidKeyException e) {
                throw new IllegalStateException(e);
            }
        }
        return found < 0 ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /** The QR code of {@code text} as a standalone SVG document (black modules on white). */
    public static String qrSvg(String text) {
        BitMatrix m;
        try {
            m = new QRCodeWriter()
                    .encode(
                            text,
                            BarcodeFormat.QR_CODE,
                            0,
                            0,
                            Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
        } catch (WriterException e) {
            throw new IllegalStateException("Could not draw the QR code", e);
        }
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                if (m.get(x, y)) {
                    path.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + m.getWidth() + " " + m.getHeight()
                + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
                + "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }
}
