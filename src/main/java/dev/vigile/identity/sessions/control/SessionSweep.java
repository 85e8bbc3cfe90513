package dev.vigile.identity.sessions.control;

import dev.vigile.platform.lifecycle.SweepDue;
import dev.vigile.platform.persistence.Sweeps;
import dev.vigile.platform.persistence.UnitOfWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The sessions component's tables kept bounded: sessions that ended (revoked, or past their
 * absolute expiry) more than {@code VIGILE_SESSION_RETENTION} ago go with their refresh tokens;
 * devices unused for the device lifetime and lapsed sign-in challenges go at once. What goes was
 * already refused: a token of a session swept is unknown, which is refused as a revoked one is.
 */
@ApplicationScoped
public class SessionSweep {
    @PersistenceContext
    EntityManager em;

    @Inject
    UnitOfWork work;

    @Inject
    SessionSettings settings;

    @Inject
    @ConfigProperty(name = "vigile.session.retention", defaultValue = "P7D")
    Duration retention;

    void onSweep(@Observes SweepDue due) {
        Instant now = due.at();
        Instant ended = now.minus(retention);
        Sweeps.repeat(
                work,
                "sessions",
                100,
                () -> em.createNativeQuery("delete from sessions where id in ("
                                + "select id from sessions where expires_at < ?1 limit 1000 for update skip locked)")
                        .setParameter(1, ended)
                        .executeUpdate());
        Sweeps.repeat(
                work,
                "revoked sessions",
                100,
                () -> em.createNativeQuery("delete from sessions where id in ("
                                + "select id from sessions where revoked_at < ?1 limit 1000 for update skip locked)")
                        .setParameter(1, ended)
                        .executeUpdate());
        Sweeps.repeat(
                work,
                "device tokens",
                100,
                () -> em.createNativeQuery(
                                "delete from device_tokens where id in ("
                                        + "select id from device_tokens where last_used_at < ?1 limit 1000 for update skip locked)")
                        .setParameter(1, now.minus(settings.deviceTtl()))
                        .executeUpdate());
        Sweeps.repeat(
                work,
                "MFA challenges",
                100,
                () -> em.createNativeQuery(
                                "delete from mfa_challenges where token_hash in (select token_hash from mfa_challenges"
                                        + " where expires_at < ?1 limit 1000 for update skip locked)")
                        .setParameter(1, now)
                        .executeUpdate());
    }
}
