package dev.vigile.identity.credentials.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.common.web.TextRules;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.Accounts;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.PasskeyChanged;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Adding a passkey: the password proven again, then creation options bound to the user and the
 * credential epoch; the answer checked (WebAuthn 7.1) and stored under the user's row lock, so the
 * limit of {@value Passkeys#MAX_PER_USER} holds against concurrent additions, and a password
 * change, sign-out everywhere or disable since the options voids them. Audited, notified and mailed.
 */
@ApplicationScoped
public class PasskeyRegistration {
    public static final int NAME_MAX = 64;

    @Inject
    Accounts accounts;

    @Inject
    UserRepository users;

    @Inject
    Reauthentication reauthentication;

    @Inject
    Passkeys passkeys;

    @Inject
    WebAuthnCeremonies ceremonies;

    @Inject
    Event<PasskeyChanged> changed;

    @Inject
    AccountMail mail;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /**
     * {@code POST /api/users/me/passkeys/options}: bound to the credential epoch the password was
     * checked under, so a credential event between the check and the options voids them.
     *
     * @param enrollOnly the caller's token may only enroll (its role requires MFA, its session has none)
     */
    public PasskeyAssertions.Options options(
            CurrentCaller caller, boolean enrollOnly, String currentPassword, ClientInfo client) {
        User user = accounts.get(caller.userId());
        long checkedEpoch = user.credentialEpoch();
        reauthentication.require(user, currentPassword, client, AuditActions.USER_PASSKEY_ADDED);
        return work.call(() -> {
            if (!users.lockCredential(user.id(), checkedEpoch)) {
                throw CredentialProblems.credentialsChanged();
            }
            User locked = accounts.get(user.id());
            CredentialProblems.refuseEnrollmentOverAPasskey(enrollOnly, locked);
            byte[] handle = passkeys.handleOf(locked.id());
            byte[] challenge = Passkeys.random(32);
            UUID id = passkeys.issue(Passkeys.Purpose.REGISTER, challenge, locked.id(), checkedEpoch, null);
            return new PasskeyAssertions.Options(
                    id,
                    ceremonies.creationOptions(
                            challenge,
                            handle,
                            locked.email(),
                            locked.displayName(),
                            passkeys.credentialIds(locked.id())));
        });
    }

    /** The name given, checked, or a default; a 400 naming {@code name} when it breaks the rule. */
    static String name(String raw, boolean required) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String name = TextRules.check("name", raw, NAME_MAX, errors);
        if (!errors.isEmpty()) {
            throw ApplicationException.invalid(errors);
        }
        if (name == null && required) {
            throw ApplicationException.invalid("name", "must be 1 to " + NAME_MAX + " characters");
        }
        return name;
    }

    sealed interface Outcome {}

    record Added(Passkeys.Passkey passkey) implements Outcome {}

    record Refused(String field, String message, String reason) implements Outcome {}

    record Conflict(String message, String reason) implements Outcome {}

    /** An enrollment-only token over an account that holds a passkey already. */
    record OverAPasskey() implements Outcome {}

    /** {@code POST /api/users/me/passkeys}: 201 passkey; 400 a refused credential or challenge; 409 taken or too many. */
    public Passkeys.Passkey register(
            CurrentCaller caller,
            boolean enrollOnly,
            UUID challengeId,
            JsonObject credential,
            String rawName,
            ClientInfo client) {
        String chosen = name(rawName, false);
        Outcome outcome = work.call(() -> add(caller, enrollOnly, challengeId, credential, chosen, client));
        if (outcome instanceof Added added) {
            return added.passkey();
        }
        String reason = outcome instanceof Refused r
                ? r.reason()
                : outcome instanceof Conflict c ? c.reason() : "enrollment-only token over a passkey";
        audit.recordAlone(AuditEntry.failure(AuditActions.USER_PASSKEY_ADDED)
                .actor(caller.userId(), caller.email())
                .target("user", caller.userId())
                .detail("reason", reason));
        if (outcome instanceof Refused r) {
            throw ApplicationException.invalid(r.field(), r.message());
        }
        if (outcome instanceof OverAPasskey) {
            throw CredentialProblems.overAPasskey();
        }
        throw ApplicationException.conflict(((Conflict) outcome).message());
    }

    private Outcome add(
            CurrentCaller caller,
            boolean enrollOnly,
            UUID challengeId,
            JsonObject credential,
            String chosen,
            ClientInfo client) {
        // The user's row first, then the challenge: a credential event locks them in that order.
        User user = users.locked(caller.userId());
        if (enrollOnly && user.passkeyCount() > 0) {
            return new OverAPasskey();
        }
        Optional<Passkeys.Challenge> challenge =
                challengeId == null ? Optional.empty() : passkeys.take(challengeId, Passkeys.Purpose.REGISTER);
        if (challenge.isEmpty() || !user.id().equals(challenge.get().userId())) {
            return new Refused(
                    "challengeId", "is unknown, expired, used or not yours", "challenge unknown, expired or used");
        }
        if (!users.lockCredential(user.id(), challenge.get().credentialEpoch())) {
            return new Refused("challengeId", "was voided by a change to your account", "credentials changed");
        }
        WebAuthnCeremonies.NewCredential created;
        try {
            created = ceremonies.register(credential, challenge.get().value());
        } catch (WebAuthnCeremonies.Refused e) {
            return new Refused("credential", "is not a valid answer to this challenge", e.reason());
        }
        int count = passkeys.count(user.id());
        if (count >= Passkeys.MAX_PER_USER) {
            return new Conflict(
                    "You have " + Passkeys.MAX_PER_USER + " passkeys, the most an account may hold; remove one first.",
                    "too many passkeys");
        }
        Instant now = clock.instant();
        UUID id = UUID.randomUUID();
        String name = chosen != null ? chosen : "Passkey " + (count + 1);
        if (!passkeys.add(id, user.id(), name, created, now)) {
            return new Conflict("This passkey is registered already.", "credential already registered");
        }
        user.setPasskeyCount(count + 1, now);
        audit.record(AuditEntry.success(AuditActions.USER_PASSKEY_ADDED)
                .actor(user.id(), user.email())
                .target("user", user.id())
                .detail("passkey", id)
                .detail("backedUp", created.backedUp()));
        changed.fire(new PasskeyChanged(user.id(), "added", id, name, false, caller.sessionId()));
        mail.notice(user, "passkey-added", client.acceptLanguage(), Map.of("name", name));
        return new Added(new Passkeys.Passkey(id, name, now, null, created.backedUp()));
    }
}
