package dev.vigile.mail.control;

import dev.vigile.platform.lifecycle.SweepDue;
import dev.vigile.platform.persistence.Sweeps;
import dev.vigile.platform.persistence.UnitOfWork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The outbox kept bounded: a mail sent, or given up on, more than {@code VIGILE_MAIL_RETENTION} ago
 * goes (its body holds a link whose token has long expired; the audit log keeps that it was asked
 * for). Mail still due is never touched.
 */
@ApplicationScoped
public class MailSweep {
    @PersistenceContext
    EntityManager em;

    @Inject
    UnitOfWork work;

    @Inject
    @ConfigProperty(name = "vigile.mail.retention", defaultValue = "P7D")
    Duration retention;

    void onSweep(@Observes SweepDue due) {
        java.time.Instant before = due.at().minus(retention);
        Sweeps.repeat(
                work,
                "sent mail",
                100,
                () -> em.createNativeQuery("delete from mail_outbox where id in ("
                                + "select id from mail_outbox where sent_at < ?1 limit 1000 for update skip locked)")
                        .setParameter(1, before)
                        .executeUpdate());
        Sweeps.repeat(
                work,
                "failed mail",
                100,
                () -> em.createNativeQuery("delete from mail_outbox where id in ("
                                + "select id from mail_outbox where failed_at < ?1 limit 1000 for update skip locked)")
                        .setParameter(1, before)
                        .executeUpdate());
    }
}
