package dev.vigile.identity.credentials.control;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The WebAuthn ceremonies, done by webauthn4j: the options a browser passes to {@code
 * navigator.credentials}, and every check of WebAuthn section 7 on what comes back (type, challenge,
 * origin, RP ID hash, user present and verified, algorithm, signature, counter). Attestation is
 * asked as {@code none} and any format accepted without a trust decision (the non-strict manager).
 * Nothing here touches the database.
 */
@ApplicationScoped
public class WebAuthnCeremonies {
    /** ES256, EdDSA, ES384 and RS256, in the order of preference the options give. */
    static final List<COSEAlgorithmIdentifier> ALGORITHMS = List.of(
            COSEAlgorithmIdentifier.ES256,
            COSEAlgorithmIdentifier.EdDSA,
            COSEAlgorithmIdentifier.ES384,
            COSEAlgorithmIdentifier.RS256);

    private static final List<PublicKeyCredentialParameters> PARAMETERS = ALGORITHMS.stream()
            .map(a -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, a))
            .toList();

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

    private final WebAuthnManager manager = WebAuthnManager.createNonStrictWebAuthnManager();
    private final AttestedCredentialDataConverter credentials =
            new AttestedCredentialDataConverter(new ObjectConverter());

    @Inject
    WebAuthnSettings settings;

    /** A ceremony refused; {@code reason} goes to the audit row, never to the client. */
    public static class Refused extends RuntimeException {
        private final String reason;

        Refused(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** A counter that did not grow: a cloned authenticator, or a replayed assertion. */
    public static class Cloned extends Refused {
        Cloned() {
            super("signature counter did not grow");
        }
    }

    /** A registration that passed every check. */
    public record NewCredential(
            byte[] credentialId,
            byte[] credential,
            long signCount,
            boolean backupEligible,
            boolean backedUp,
            String transports) {}

    /** An assertion parsed, not yet checked: which credential it names, and for which user. */
    public record Assertion(byte[] credentialId, byte[] userHandle, AuthenticationData data) {}

    /** What a checked assertion tells: the new counter, and whether the key is synced. */
    public record Asserted(long signCount, boolean backedUp) {}

    static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    /** {@code PublicKeyCredentialCreationOptionsJSON}. */
    JsonObject creationOptions(
            byte[] challenge, byte[] userHandle, String userName, String displayName, List<byte[]> exclude) {
        JsonArrayBuilder params = Json.createArrayBuilder();
        ALGORITHMS.forEach(a ->
                params.add(Json.createObjectBuilder().add("type", "public-key").add("alg", a.getValue())));
        return Json.createObjectBuilder()
                .add("rp", Json.createObjectBuilder().add("id", settings.rpId()).add("name", "Vigile"))
                .add(
                        "user",
                        Json.createObjectBuilder()
                                .add("id", b64(userHandle))
                                .add("name", userName)
                                .add(
                                        "displayName",
                                        displayName == null || displayName.isBlank() ? userName : displayName))
                .add("challenge", b64(challenge))
                .add("pubKeyCredParams", params)
                .add("timeout", Passkeys.CHALLENGE_TTL.toMillis())
                .add("excludeCredentials", descriptors(exclude))
                .add(
                        "authenticatorSelection",
                        Json.createObjectBuilder()
                                .add("residentKey", "required")
                                .add("requireResidentKey", true)
                                .add("userVerification", "required"))
                .add("attestation", "none")
                .add("extensions", Json.createObjectBuilder().add("credProps", true))
                .build();
    }

    /** {@code PublicKeyCredentialRequestOptionsJSON}; an empty allow list for discoverable credentials. */
    JsonObject requestOptions(byte[] challenge, List<byte[]> allow) {
        return Json.createObjectBuilder()
                .add("challenge", b64(challenge))
                .add("timeout", Passkeys.CHALLENGE_TTL.toMillis())
                .add("rpId", settings.rpId())
                .add("allowCredentials", descriptors(allow))
                .add("userVerification", "required")
                .build();
    }

    private static JsonArrayBuilder descriptors(List<byte[]> ids) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        ids.forEach(id ->
                list.add(Json.createObjectBuilder().add("type", "public-key").add("id", b64(id))));
        return list;
    }

    private volatile Set<Origin> origins;

    private Set<Origin> origins() {
        if (origins == null) {
            origins = settings.origins().stream().map(Origin::new).collect(Collectors.toUnmodifiableSet());
        }
        return origins;
    }

    private ServerProperty server(byte[] challenge) {
        return ServerProperty.builder()
                .origins(origins())
                .rpId(settings.rpId())
                .challenge(new DefaultChallenge(challenge))
                .build();
    }

    /** A {@code RegistrationResponseJSON} checked against the challenge it answers. */
    NewCredential register(JsonObject credential, byte[] challenge) {
        requirePublicKey(credential);
        RegistrationData data;
        try {
            data = manager.parseRegistrationResponseJSON(credential.toString());
        } catch (RuntimeException e) {
            throw new Refused("malformed registration: " + e.getClass().getSimpleName());
        }
        try {
            manager.verify(data, new RegistrationParameters(server(challenge), PARAMETERS, true, true));
        } catch (RuntimeException e) {
            throw new Refused("registration refused: " + e.getClass().getSimpleName());
        }
        AuthenticatorData<?> auth = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData attested = auth.getAttestedCredentialData();
        requireSameId(credential, attested.getCredentialId());
        Set<AuthenticatorTransport> transports = data.getTransports();
        String joined = transports == null
                ? null
                : transports.stream()
                        .map(AuthenticatorTransport::getValue)
                        .filter(t -> t.matches("[a-z-]{1,20}"))
                        .collect(Collectors.toCollection(TreeSet::new))
                        .stream()
                        .limit(8)
                        .collect(Collectors.joining(","));
        return new NewCredential(
                attested.getCredentialId(),
                credentials.convert(attested),
                auth.getSignCount(),
                auth.isFlagBE(),
                auth.isFlagBS(),
                joined == null || joined.isEmpty() ? null : joined);
    }

    /** An {@code AuthenticationResponseJSON} parsed: the credential it names and the user handle it gives. */
    Assertion parseAssertion(JsonObject credential) {
        requirePublicKey(credential);
        AuthenticationData data;
        try {
            data = manager.parseAuthenticationResponseJSON(credential.toString());
        } catch (RuntimeException e) {
            throw new Refused("malformed assertion: " + e.getClass().getSimpleName());
        }
        if (data.getCredentialId() == null || data.getAuthenticatorData() == null) {
            throw new Refused("malformed assertion: incomplete");
        }
        requireSameId(credential, data.getCredentialId());
        return new Assertion(data.getCredentialId(), data.getUserHandle(), data);
    }

    /** Every check of an assertion against the stored passkey and the challenge it answers. */
    Asserted verify(Assertion assertion, byte[] challenge, Passkeys.Stored stored, List<byte[]> allow) {
        AttestedCredentialData attested = credentials.convert(stored.credential());
        CredentialRecordImpl record = new CredentialRecordImpl(
                null,
                true,
                stored.backupEligible(),
                stored.backedUp(),
                stored.signCount(),
                attested,
                null,
                null,
                null,
                null);
        try {
            manager.verify(
                    assertion.data(), new AuthenticationParameters(server(challenge), record, allow, true, true));
        } catch (MaliciousCounterValueException e) {
            throw new Cloned();
        } catch (RuntimeException e) {
            throw new Refused("assertion refused: " + e.getClass().getSimpleName());
        }
        AuthenticatorData<?> auth = assertion.data().getAuthenticatorData();
        return new Asserted(auth.getSignCount(), auth.isFlagBS());
    }

    /** {@code type} must be {@code public-key} (WebAuthn 7.1 step 2 / 7.2 step 2 look at the credential's type). */
    private static void requirePublicKey(JsonObject credential) {
        JsonValue type = credential.get("type");
        if (!(type instanceof JsonString s) || !"public-key".equals(s.getString())) {
            throw new Refused("credential type is not public-key");
        }
    }

    /** The credential's {@code id} and {@code rawId} must name the credential the authenticator data does. */
    private static void requireSameId(JsonObject credential, byte[] credentialId) {
        for (String field : List.of("id", "rawId")) {
            JsonValue v = credential.get(field);
            if (!(v instanceof JsonString s)) {
                throw new Refused("credential " + field + " missing");
            }
            byte[] decoded;
            try {
                decoded = B64_DECODER.decode(s.getString());
            } catch (IllegalArgumentException e) {
                throw new Refused("credential " + field + " is not base64url");
            }
            if (!Arrays.equals(decoded, credentialId)) {
                throw new Refused("credential " + field + " does not match");
            }
        }
    }
}
