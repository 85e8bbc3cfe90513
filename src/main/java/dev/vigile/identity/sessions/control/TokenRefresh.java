package dev.vigile.identity.sessions.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.UserQueries;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.control.UserSnapshot;
import dev.vigile.identity.events.RefreshTokenReused;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.platform.persistence.UnitOfWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/auth/refresh} (RFC 9700 section 4.14): the presented refresh token is rotated
 * and a new access token issued, in one unit of work that also checks a browser's CSRF token and
 * binds its next one. A token that was already rotated is a reuse: its whole family is revoked,
 * and that commits although the answer is a 401.
 */
@ApplicationScoped
public class TokenRefresh {
    @Inject
    Sessions sessions;

    @Inject
    UserRepository users;

    @Inject
    UserQueries userQueries;

    @Inject
    AccessTokens tokens;

    @Inject
    CutOffs cutOffs;

    @Inject
    SessionSettings settings;

    @Inject
    Event<RefreshTokenReused> reused;

    @Inject
    AuditLog audit;

    @Inject
    VigileMetrics metrics;

    @Inject
    Clock clock;

    @Inject
    UnitOfWork work;

    /** What a refresh's unit of work ended with. */
    sealed interface Outcome {}

    /** Rotated: the user as read in the unit of work, the session, and its refresh lifetime left. */
    record Refreshed(UserSnapshot user, Sessions.Rotated rotated, long refreshExpiresIn) implements Outcome {}

    /** Unknown, expired or revoked, or its user disabled. */
    record Invalid() implements Outcome {}

    /** A rotated token came back: the family is now revoked. */
    record Reused(UUID userId, UUID sessionId) implements Outcome {}

    /** What a presented refresh token turns out to be. */
    enum Verdict {
        /** Current, its session alive, its user enabled: rotated. */
        ROTATED,
        /** Unknown, expired, revoked, or idle past its lifetime: void, nothing else happens. */
        UNKNOWN,
        /** Already rotated: a replay, so the whole family is revoked. */
        REUSED,
        /** Rotated, but its user is disabled or gone: its session is revoked. */
        USER_INACTIVE
    }

    /** The decision, apart from the database. */
    static Verdict verdict(boolean rotated, Sessions.Family family, boolean userActive) {
        if (rotated) {
            return userActive ? Verdict.ROTATED : Verdict.USER_INACTIVE;
        }
        return family != null && family.rotated() ? Verdict.REUSED : Verdict.UNKNOWN;
    }

    /**
     * @param presentedCsrf for a refresh by the session cookie, the request's CSRF header (403 unless
     *     it is the token bound to the session); null for a refresh token in the body
     * @param nextCsrf a browser's new CSRF token, bound to the session; null for an API client
     */
    public SignIn.Tokens refresh(String refreshToken, ClientInfo client, String presentedCsrf, String nextCsrf) {
        Outcome outcome = work.call(() -> rotate(refreshToken, client, presentedCsrf, nextCsrf));
        if (outcome instanceof Refreshed r) {
            metrics.refreshed();
            // Signed after the commit, as before the re-cut: the rotation's row locks are not held
            // while the token is signed.
            Sessions.Rotated rotated = r.rotated();
            return tokens.issue(
                    r.user(), rotated.id(), rotated.mfa(), rotated.amr(), rotated.refreshToken(), r.refreshExpiresIn());
        }
        if (outcome instanceof Reused reuse) {
            metrics.refreshReused();
            // The family was revoked in its own, committed unit of work; record it in another.
            audit.recordAlone(AuditEntry.failure(AuditActions.AUTH_REFRESH_REUSE)
                    .actor(reuse.userId(), users.emailOf(reuse.userId()))
                    .target("session", reuse.sessionId())
                    .detail("reaction", "session revoked"));
        }
        throw Sessions.invalidRefreshToken();
    }

    private Outcome rotate(String refreshToken, ClientInfo client, String presentedCsrf, String nextCsrf) {
        if (presentedCsrf != null) {
            sessions.requireCsrf(refreshToken, presentedCsrf);
        }
        Instant now = clock.instant();
        Sessions.Rotated rotated = sessions.rotate(refreshToken, client, nextCsrf);
        Sessions.Family family = rotated == null ? sessions.familyOf(refreshToken) : null;
        UserSnapshot user =
                rotated == null ? null : userQueries.snapshot(rotated.userId()).orElse(null);
        switch (verdict(rotated != null, family, user != null && user.enabled())) {
            case UNKNOWN:
                return new Invalid();
            case REUSED:
                cutOffs.revoke(List.of(family.sessionId()), now, "reuse");
                reused.fire(new RefreshTokenReused(family.userId(), family.sessionId()));
                return new Reused(family.userId(), family.sessionId());
            case USER_INACTIVE:
                cutOffs.revoke(List.of(rotated.id()), now, "disabled");
                return new Invalid();
            default:
                break;
        }
        if (rotated.audited()) {
            // The session's first refresh, a new address or user agent, or the hour's first.
            audit.record(AuditEntry.success(AuditActions.AUTH_REFRESH)
                    .actor(user.id(), user.email())
                    .target("session", rotated.id()));
        }
        // Touched just now: the session ends an idle lifetime from now, or at its absolute expiry.
        return new Refreshed(user, rotated, Sessions.refreshExpiresIn(rotated, now, settings.idleTtl()));
    }
}
