package dev.vigile.mail;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;

/**
 * The mail feature's façade: queues a mail in the caller's transaction. Nothing is sent until that
 * transaction commits, and then by the outbox worker, which retries while SMTP is unreachable.
 */
@ApplicationScoped
public class Mailer {
    /** Fired in the queuing transaction; the worker observes its commit and starts sending. */
    public record Queued() {}

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Event<Queued> queued;

    /** Queues the mail; must be called inside the transaction of the change it tells about. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void queue(Mail mail) {
        var now = clock.instant();
        em.createNativeQuery(
                        "insert into mail_outbox (recipient, subject, text_body, html_body, created_at, next_attempt_at)"
                                + " values (?1, ?2, ?3, ?4, ?5, ?5)")
                .setParameter(1, mail.recipient())
                .setParameter(2, mail.subject())
                .setParameter(3, mail.text())
                .setParameter(4, mail.html())
                .setParameter(5, now)
                .executeUpdate();
        queued.fire(new Queued());
    }
}
