package dev.vigile.identity.credentials.control;

import dev.vigile.common.problem.ApplicationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The credentials' façade for a sign-in with a passkey, first factor or second: the request
 * options, and an assertion checked and its passkey's use recorded in the caller's unit of work.
 * Failures are returned, never thrown inside the unit of work, so that the challenge taken stays
 * taken when the sign-in is refused.
 */
@ApplicationScoped
public class PasskeyAssertions {
    @Inject
    Passkeys passkeys;

    @Inject
    WebAuthnCeremonies ceremonies;

    @Inject
    Clock clock;

    /** What a client passes to {@code navigator.credentials}. */
    public record Options(UUID challengeId, JsonObject publicKey) {}

    /** An assertion read, and the passkey it names (empty when no passkey has that credential id). */
    public record Presented(WebAuthnCeremonies.Assertion assertion, Optional<Passkeys.Stored> passkey) {
        public Optional<UUID> userId() {
            return passkey.map(Passkeys.Stored::userId);
        }
    }

    /** How a passkey check ended. */
    public sealed interface Result {}

    /** Proven: the passkey used, and whether it is a synced one ({@code swk}) or device-bound ({@code hwk}). */
    public record Used(UUID passkeyId, boolean backedUp) implements Result {
        public String amr() {
            return backedUp ? "swk" : "hwk";
        }
    }

    /** Refused; {@code cloned}: the signature counter did not grow. The reason is for the audit row. */
    public record Failed(String reason, boolean cloned, UUID passkeyId) implements Result {}

    /** Options for a sign-in with a discoverable credential: no user named, nothing to enumerate. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Options signInOptions() {
        byte[] challenge = Passkeys.random(32);
        UUID id = passkeys.issue(Passkeys.Purpose.SIGN_IN, challenge, null, null, null);
        return new Options(id, ceremonies.requestOptions(challenge, List.of()));
    }

    /** Options for the second step of this user's sign-in, bound to its MFA token; 409 without a passkey. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Options secondFactorOptions(UUID userId, String mfaTokenHash) {
        List<byte[]> ids = passkeys.credentialIds(userId);
        if (ids.isEmpty()) {
            throw ApplicationException.conflict("This account has no passkey.");
        }
        byte[] challenge = Passkeys.random(32);
        UUID id = passkeys.issue(Passkeys.Purpose.SECOND_FACTOR, challenge, userId, null, mfaTokenHash);
        return new Options(id, ceremonies.requestOptions(challenge, ids));
    }

    /**
     * Parses an assertion, with no database: a malformed one is refused ({@link
     * WebAuthnCeremonies.Refused}, never a 500). Call it outside any unit of work, so that the
     * refusal marks none for rollback.
     */
    public WebAuthnCeremonies.Assertion parse(JsonObject credential) {
        return ceremonies.parseAssertion(credential);
    }

    /** {@link #parse} then {@link #find}: a malformed assertion is refused (never a 500). */
    public Presented read(JsonObject credential) {
        return find(parse(credential));
    }

    /** The assertion with the passkey its credential id names (empty when unknown). */
    public Presented find(WebAuthnCeremonies.Assertion assertion) {
        return new Presented(assertion, passkeys.byCredentialId(assertion.credentialId()));
    }

    /**
     * A first-factor sign-in: takes the challenge, then checks the assertion (the user handle must
     * name the passkey's owner) and records the use. Call with the passkey owner's row locked.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Result signIn(UUID challengeId, Presented presented) {
        Optional<Passkeys.Challenge> challenge = passkeys.take(challengeId, Passkeys.Purpose.SIGN_IN);
        if (challenge.isEmpty()) {
            return new Failed("challenge unknown, expired or used", false, null);
        }
        if (presented.passkey().isEmpty()) {
            return new Failed("unknown credential", false, null);
        }
        Passkeys.Stored stored = presented.passkey().get();
        byte[] handle = presented.assertion().userHandle();
        if (handle == null || !Arrays.equals(handle, stored.userHandle())) {
            return new Failed("user handle does not name the credential's owner", false, stored.id());
        }
        return check(challenge.get(), presented, null);
    }

    /**
     * The second step with a passkey: takes the challenge bound to this MFA token, then checks the
     * assertion against the user's passkeys. Call with the user's row locked.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Result secondFactor(UUID challengeId, String mfaTokenHash, UUID userId, Presented presented) {
        Optional<Passkeys.Challenge> challenge = passkeys.take(challengeId, Passkeys.Purpose.SECOND_FACTOR);
        if (challenge.isEmpty()
                || !userId.equals(challenge.get().userId())
                || !mfaTokenHash.equals(challenge.get().mfaTokenHash())) {
            return new Failed("challenge unknown, expired, used or of another sign-in", false, null);
        }
        if (presented.passkey().isEmpty() || !presented.passkey().get().userId().equals(userId)) {
            return new Failed("not a passkey of this user", false, null);
        }
        byte[] handle = presented.assertion().userHandle();
        if (handle != null && !Arrays.equals(handle, presented.passkey().get().userHandle())) {
            return new Failed(
                    "user handle does not name the credential's owner",
                    false,
                    presented.passkey().get().id());
        }
        return check(challenge.get(), presented, passkeys.credentialIds(userId));
    }

    private Result check(Passkeys.Challenge challenge, Presented presented, List<byte[]> allow) {
        Passkeys.Stored stored = presented.passkey().orElseThrow();
        WebAuthnCeremonies.Asserted asserted;
        try {
            asserted = ceremonies.verify(presented.assertion(), challenge.value(), stored, allow);
        } catch (WebAuthnCeremonies.Cloned e) {
            return new Failed(e.reason(), true, stored.id());
        } catch (WebAuthnCeremonies.Refused e) {
            return new Failed(e.reason(), false, stored.id());
        }
        if (!passkeys.used(
                stored.id(), stored.signCount(), asserted.signCount(), asserted.backedUp(), clock.instant())) {
            // Another sign-in with this passkey moved its counter since it was read: if this
            // assertion's counter is not above the new one, two authenticators hold the key.
            long now = passkeys.signCount(stored.id()).orElse(-1L);
            boolean cloned = now >= 0 && asserted.signCount() > 0 && asserted.signCount() <= now;
            return new Failed(
                    cloned ? "signature counter did not grow" : "passkey used concurrently or removed",
                    cloned,
                    stored.id());
        }
        return new Used(stored.id(), asserted.backedUp());
    }
}
