package dev.vigile.identity.sessions.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.events.SessionSignedOut;
import dev.vigile.identity.events.SignedOutEverywhere;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/** Signing out: one session by its refresh token, one of the caller's sessions by id, or every one. */
@ApplicationScoped
public class SignOut {
    @Inject
    Sessions sessions;

    @Inject
    CutOffs cutOffs;

    @Inject
    UserRepository users;

    @Inject
    Event<SessionSignedOut> signedOut;

    @Inject
    Event<SignedOutEverywhere> signedOutEverywhere;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /**
     * {@code POST /api/auth/logout}: revokes the family of this refresh token, rotated or not;
     * unknown or revoked tokens are ignored.
     *
     * @param presentedCsrf for a sign-out by the session cookie, the request's CSRF header (403
     *     unless it is the session's); null for a refresh token in the body
     */
    public void token(String refreshToken, String presentedCsrf) {
        work.run(() -> {
            if (presentedCsrf != null) {
                sessions.requireCsrf(refreshToken, presentedCsrf);
            }
            Sessions.Family family = sessions.familyOf(refreshToken);
            if (family == null || family.revoked()) {
                return;
            }
            cutOffs.revoke(List.of(family.sessionId()), clock.instant(), "logout");
            audit.record(AuditEntry.success(AuditActions.AUTH_LOGOUT)
                    .actor(family.userId(), users.emailOf(family.userId()))
                    .target("session", family.sessionId()));
        });
    }

    /** {@code POST /api/auth/logout-all}: every session of the caller, and every access token. */
    public void everywhere(CurrentCaller caller) {
        work.run(() -> {
            cutOffs.revokeAll(caller.userId(), "logout-all");
            signedOutEverywhere.fire(new SignedOutEverywhere(caller.userId()));
            audit.record(AuditEntry.success(AuditActions.AUTH_LOGOUT_ALL)
                    .actor(caller.userId(), caller.email())
                    .target("user", caller.userId()));
        });
    }

    /**
     * {@code DELETE /api/auth/sessions/{id}}: one of the caller's own sessions.
     *
     * @return false when no such session belongs to the caller
     */
    public boolean session(CurrentCaller caller, UUID sessionId) {
        return work.call(() -> {
            if (sessions.ofUser(caller.userId(), sessionId) == null) {
                return false;
            }
            cutOffs.revoke(List.of(sessionId), clock.instant(), "revoked");
            signedOut.fire(new SessionSignedOut(caller.userId(), sessionId));
            audit.record(AuditEntry.success(AuditActions.AUTH_SESSION_REVOKED)
                    .actor(caller.userId(), caller.email())
                    .target("session", sessionId));
            return true;
        });
    }
}
