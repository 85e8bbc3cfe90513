package dev.vigile.identity.credentials.control;

import dev.vigile.platform.lifecycle.SweepDue;
import dev.vigile.platform.persistence.Sweeps;
import dev.vigile.platform.persistence.UnitOfWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;

/**
 * The credentials component's tables kept bounded: mailed links past their expiry by {@code
 * VIGILE_LINK_RETENTION} (a day by default; a used or voided link expires too, and one kept a while
 * keeps its place in the audit's story), and lapsed passkey ceremonies.
 */
@ApplicationScoped
public class CredentialSweep {
    @PersistenceContext
    EntityManager em;

    @Inject
    UnitOfWork work;

    /** How long a lapsed link is kept ({@code VIGILE_LINK_RETENTION}). */
    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "vigile.link.retention", defaultValue = "P1D")
    Duration lapsedLinks;

    void onSweep(@Observes SweepDue due) {
        Sweeps.repeat(
                work,
                "mailed links",
                100,
                () -> em.createNativeQuery(
                                "delete from email_tokens where token_hash in (select token_hash from email_tokens"
                                        + " where expires_at < ?1 limit 1000 for update skip locked)")
                        .setParameter(1, due.at().minus(lapsedLinks))
                        .executeUpdate());
        Sweeps.repeat(
                work,
                "passkey challenges",
                100,
                () -> em.createNativeQuery(
                                "delete from passkey_challenges where id in (select id from passkey_challenges"
                                        + " where expires_at < ?1 limit 1000 for update skip locked)")
                        .setParameter(1, due.at())
                        .executeUpdate());
    }
}
