package dev.vigile.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.authenticator.RSACOSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A passkey authenticator for the API tests, like a platform authenticator with resident keys and
 * user verification: JCA keys, the credential's public key, authenticator data and {@code none}
 * attestation object built and encoded with webauthn4j's data model and converters (COSE, CBOR),
 * assertions signed with the credential's private key. A test can send any bad value — flags,
 * counter, RP ID hash, origin, challenge, type, algorithm, user handle, signature — in a ceremony
 * that is otherwise right. (webauthn4j-test's emulator exists only for releases that need a newer
 * Jackson than Payara 6 can share; see the pom.)
 */
public final class TestAuthenticator {
    static final ObjectConverter CONVERTER = new ObjectConverter();
    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder UNB64 = Base64.getUrlDecoder();

    static final SecureRandom RANDOM = new SecureRandom();

    final String origin;
    private final Map<String, byte[]> handles = new HashMap<>();
    private final Map<String, PrivateKey> keys = new HashMap<>();
    /**
     * The signature counter: registrations carry it as it is, assertions move it up first; 0 makes
     * the authenticator one without a counter (a synced passkey's), which signs 0 every time.
     */
    long counter = 0;

    /** The last credential registered here (base64url). */
    String lastCredentialId;

    public TestAuthenticator(String origin) {
        this.origin = origin;
    }

    /** What a registration may get wrong. */
    static final class Registration {
        String origin;
        String rpId;
        byte[] challenge;
        String type = "webauthn.create";
        COSEAlgorithmIdentifier algorithm = COSEAlgorithmIdentifier.ES256;
        /** The flags byte of the authenticator data (UP, UV and AT when null). */
        Integer flags;
        /** A credential id to claim instead of a fresh one. */
        byte[] credentialId;
    }

    /** What an assertion may get wrong. */
    static final class Assertion {
        String origin;
        String rpId;
        byte[] challenge;
        String type = "webauthn.get";
        int flags = 0x05; // UP and UV
        Long counter;
        byte[] userHandle;
        boolean omitUserHandle;
        boolean badSignature;
        String credentialId;
    }

    public ObjectNode register(JsonNode publicKey) {
        return register(publicKey, new Registration());
    }

    /** A {@code RegistrationResponseJSON} answering the server's creation options. */
    ObjectNode register(JsonNode publicKey, Registration r) {
        try {
            byte[] challenge = r.challenge != null
                    ? r.challenge
                    : UNB64.decode(publicKey.get("challenge").asText());
            String rpId =
                    r.rpId != null ? r.rpId : publicKey.get("rp").get("id").asText();
            byte[] userId = UNB64.decode(publicKey.get("user").get("id").asText());
            KeyPair pair;
            COSEKey cose;
            if (r.algorithm.equals(COSEAlgorithmIdentifier.ES256)) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                pair = g.generateKeyPair();
                cose = EC2COSEKey.create((ECPublicKey) pair.getPublic(), r.algorithm);
            } else {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                pair = g.generateKeyPair();
                cose = RSACOSEKey.create((RSAPublicKey) pair.getPublic(), r.algorithm);
            }
            byte[] credentialId = new byte[32];
            RANDOM.nextBytes(credentialId);
            byte[] sentId = r.credentialId != null ? r.credentialId : credentialId;
            byte flags = (byte) (r.flags != null ? (int) r.flags : 0x45); // UP, UV, AT
            AuthenticatorData<RegistrationExtensionAuthenticatorOutput> authData = new AuthenticatorData<>(
                    sha256(rpId.getBytes(StandardCharsets.UTF_8)),
                    flags,
                    counter,
                    new AttestedCredentialData(AAGUID.ZERO, sentId, cose));
            byte[] attestation = new AttestationObjectConverter(CONVERTER)
                    .convertToBytes(new AttestationObject(authData, new NoneAttestationStatement()));
            byte[] clientData = clientData(r.type, challenge, r.origin != null ? r.origin : origin);
            String id = B64.encodeToString(credentialId);
            handles.put(id, userId);
            keys.put(id, pair.getPrivate());
            lastCredentialId = id;
            ObjectNode json = Api.JSON.createObjectNode();
            json.put("id", B64.encodeToString(sentId));
            json.put("rawId", B64.encodeToString(sentId));
            json.put("type", "public-key");
            json.put("authenticatorAttachment", "platform");
            ObjectNode response = json.putObject("response");
            response.put("clientDataJSON", B64.encodeToString(clientData));
            response.put("attestationObject", B64.encodeToString(attestation));
            response.put(
                    "authenticatorData",
                    B64.encodeToString(new AuthenticatorDataConverter(CONVERTER).convert(authData)));
            response.putArray("transports").add("internal");
            json.putObject("clientExtensionResults");
            return json;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] clientData(String type, byte[] challenge, String origin) throws Exception {
        ObjectNode clientData = Api.JSON.createObjectNode();
        clientData.put("type", type);
        clientData.put("challenge", B64.encodeToString(challenge));
        clientData.put("origin", origin);
        clientData.put("crossOrigin", false);
        return Api.JSON.writeValueAsBytes(clientData);
    }

    public ObjectNode assertion(JsonNode publicKey) {
        return assertion(publicKey, new Assertion());
    }

    /** An {@code AuthenticationResponseJSON} answering the server's request options. */
    ObjectNode assertion(JsonNode publicKey, Assertion a) {
        try {
            String credentialId = a.credentialId;
            if (credentialId == null) {
                JsonNode allow = publicKey.get("allowCredentials");
                credentialId = allow != null && allow.size() > 0
                        ? allow.get(0).get("id").asText()
                        : lastCredentialId;
            }
            PrivateKey key = keys.get(credentialId);
            byte[] challenge = a.challenge != null
                    ? a.challenge
                    : UNB64.decode(publicKey.get("challenge").asText());
            String rpId = a.rpId != null ? a.rpId : publicKey.get("rpId").asText();
            byte[] clientDataJson = clientData(a.type, challenge, a.origin != null ? a.origin : origin);
            long count = a.counter != null ? a.counter : counter == 0 ? 0 : ++counter;
            ByteBuffer authData = ByteBuffer.allocate(37);
            authData.put(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
            authData.put((byte) a.flags);
            authData.putInt((int) count);
            byte[] data = authData.array();
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(data);
            signer.update(sha256(clientDataJson));
            byte[] signature = signer.sign();
            if (a.badSignature) {
                signature[signature.length - 1] ^= 0x01;
            }
            ObjectNode json = Api.JSON.createObjectNode();
            json.put("id", credentialId);
            json.put("rawId", credentialId);
            json.put("type", "public-key");
            json.put("authenticatorAttachment", "platform");
            ObjectNode response = json.putObject("response");
            response.put("clientDataJSON", B64.encodeToString(clientDataJson));
            response.put("authenticatorData", B64.encodeToString(data));
            response.put("signature", B64.encodeToString(signature));
            if (!a.omitUserHandle) {
                byte[] handle = a.userHandle != null ? a.userHandle : handles.get(credentialId);
                response.put("userHandle", B64.encodeToString(handle));
            }
            json.putObject("clientExtensionResults");
            return json;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The user handle a credential registered here carries. */
    byte[] handleOf(String credentialId) {
        return handles.get(credentialId);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
