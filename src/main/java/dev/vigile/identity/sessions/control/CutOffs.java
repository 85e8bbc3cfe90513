package dev.vigile.identity.sessions.control;

import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.credentials.control.EmailTokens;
import dev.vigile.identity.credentials.control.MfaFactors;
import dev.vigile.identity.events.SessionsEnded;
import dev.vigile.identity.events.UserTokensCutOff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The token cut-off: revoking sessions and bumping users' token generation, inside the changing
 * transaction, then telling the revocation caches (here, and through them every member).
 * {@link Sessions} keeps the sessions' life; this class only ends sessions and tokens.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class CutOffs {
    @Inject
    Clock clock;

    @Inject
    UserRepository users;

    @Inject
    Sessions sessions;

    @Inject
    EmailTokens emailTokens;

    @Inject
    DeviceTokens devices;

    @Inject
    MfaChallenges challenges;

    @Inject
    MfaFactors factors;

    @Inject
    dev.vigile.identity.credentials.control.Passkeys passkeys;

    @Inject
    Event<SessionsEnded> sessionsRevoked;

    @Inject
    Event<UserTokensCutOff> tokensCutOff;

    @Inject
    Event<dev.vigile.identity.events.RoleHoldersCutOff> roleHolders;

    /** Revokes every session of the user and cuts off every access token issued until now. */
    public void revokeAll(UUID userId, String reason) {
        revokeAllBut(userId, null, reason);
    }

    /**
     * Revokes every session of the user but {@code kept} (which may be null). The access tokens of
     * the sessions it ends end with them (each names its session, {@code sid}, refused once the
     * session is revoked); those of {@code kept} live on, so that a password change leaves its
     * caller signed in as API.md says. Without a kept session, every access token issued until
     * now is cut off as well (the token generation moves).
     */
    public void revokeAllBut(UUID userId, UUID kept, String reason) {
        Instant now = clock.instant();
        // The user's row first: this waits for a sign-in holding it to commit its session, so the
        // statement below sees that session and ends it; a sign-in that comes later finds the epoch
        // moved and fails (PasswordSignIn). A refresh of another session that commits first is
        // ended here too; one that comes later finds its session revoked.
        users.moveCredentialEpoch(userId, kept == null);
        List<UUID> ids = sessions.revokeAllOf(userId, kept, now, reason);
        voidIssuedTrust(userId);
        if (!ids.isEmpty()) {
            sessionsRevoked.fire(new SessionsEnded(ids));
        }
        if (kept == null) {
            tokensCutOff.fire(new UserTokensCutOff(userId));
        }
    }

    /**
     * Everything else a credential event voids (docs/security.md, "Revocation matrix"): the links
     * mailed until now (reset, verification, email change), the devices trusted until now, the
     * sign-ins waiting for their second factor, an enrollment not yet confirmed, and the passkey
     * ceremonies bound to the user (a registration, a second step). Runs after the
     * user's row was updated, so that a concurrent issuer, which locks that row first, either
     * committed before (and its row is voided here) or sees the new epoch.
     */
    private void voidIssuedTrust(UUID userId) {
        emailTokens.voidEvery(userId);
        devices.forgetAll(userId);
        challenges.deleteAll(userId);
        factors.dropUnconfirmed(userId);
        passkeys.voidRegistrations(userId);
    }

    /**
     * Cuts off the access tokens the users hold now; their sessions survive, so their next refresh
     * returns a token that reflects their current roles.
     */
    public void cutOff(List<UUID> userIds) {
        if (userIds.isEmpty()) {
            return;
        }
        users.moveTokenGeneration(userIds);
        tokensCutOff.fire(new UserTokensCutOff(userIds));
    }

    /** Tells the revocation caches that a deleted user's tokens are dead. */
    public void forgetUser(UUID userId) {
        tokensCutOff.fire(new UserTokensCutOff(userId));
    }

    /**
     * Cuts off the access tokens of every holder of the role (its permissions changed). Call with
     * the role's row locked ({@code RoleRepository#lockForChange}), so that no assignment of the
     * role commits unseen between this statement and the change's commit.
     */
    public void cutOffRole(String roleName) {
        List<UUID> ids = users.moveTokenGenerationOfRole(roleName);
        if (!ids.isEmpty()) {
            tokensCutOff.fire(new UserTokensCutOff(ids));
            roleHolders.fire(new dev.vigile.identity.events.RoleHoldersCutOff(roleName, List.copyOf(ids)));
        }
    }

    /**
     * A removed passkey no longer signs anyone in, and the sessions it started end with it (but the
     * one the removal was made from): whoever held a lost or stolen key keeps nothing it opened.
     */
    void onPasskeyChanged(
            @jakarta.enterprise.event.Observes @jakarta.annotation.Priority(100)
                    dev.vigile.identity.events.PasskeyChanged change) {
        if (!"removed".equals(change.change())) {
            return;
        }
        List<UUID> ids =
                sessions.revokeStartedBy(change.passkeyId(), change.sessionId(), clock.instant(), "passkey removed");
        if (!ids.isEmpty()) {
            sessionsRevoked.fire(new SessionsEnded(ids));
        }
    }

    /** Revokes these sessions (a sign-out, a reuse, a disabled user's refresh). */
    void revoke(List<UUID> ids, Instant now, String reason) {
        if (ids.isEmpty()) {
            return;
        }
        sessions.revoke(ids, now, reason);
        sessionsRevoked.fire(new SessionsEnded(ids));
    }
}
