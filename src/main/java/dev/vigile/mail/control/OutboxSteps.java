package dev.vigile.mail.control;

import dev.vigile.mail.Mail;
import dev.vigile.platform.observability.VigileMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One outbox step, in a transaction of its own: lock the oldest due mail that no other instance
 * holds ({@code FOR UPDATE SKIP LOCKED}), send it while the lock is held, and mark it sent, or
 * schedule its retry with a doubling delay, or give it up after the last attempt. A mail is
 * therefore sent by one instance at a time; only a crash between the SMTP server's acceptance and
 * the commit could send it again.
 */
@ApplicationScoped
public class OutboxSteps {
    private static final Logger LOG = Logger.getLogger(OutboxSteps.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    SmtpTransport smtp;

    @Inject
    VigileMetrics metrics;

    @Inject
    @ConfigProperty(name = "vigile.mail.retry-delay", defaultValue = "PT30S")
    Duration retryDelay;

    @Inject
    @ConfigProperty(name = "vigile.mail.max-attempts", defaultValue = "12")
    int maxAttempts;

    /** The longest wait between two attempts. */
    static final Duration MAX_DELAY = Duration.ofHours(1);

    /** @return whether a mail was due (sent or not), so the caller goes on draining */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean sendNext() {
        Instant now = clock.instant();
        @SuppressWarnings("unchecked")
        List<Object[]> due = em.createNativeQuery(
                        "select id, recipient, subject, text_body, html_body, attempts from mail_outbox"
                                + " where sent_at is null and failed_at is null and next_attempt_at <= ?1"
                                + " order by next_attempt_at, id limit 1 for update skip locked")
                .setParameter(1, now)
                .getResultList();
        if (due.isEmpty()) {
            return false;
        }
        Object[] row = due.get(0);
        long id = ((Number) row[0]).longValue();
        int attempts = ((Number) row[5]).intValue() + 1;
        Mail mail = new Mail((String) row[1], (String) row[2], (String) row[3], (String) row[4]);
        try {
            smtp.send(mail);
            // A sent mail's bodies go: they may hold a mailed token, which is stored nowhere else in clear.
            em.createNativeQuery("update mail_outbox set sent_at = ?1, attempts = ?2, last_error = null,"
                            + " text_body = '', html_body = '' where id = ?3")
                    .setParameter(1, clock.instant())
                    .setParameter(2, attempts)
                    .setParameter(3, id)
                    .executeUpdate();
            metrics.mail("sent");
        } catch (MessagingException | RuntimeException e) {
            // The error names the failure, never the message (which may carry a token).
            String error = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage());
            error = error.length() > 500 ? error.substring(0, 500) : error;
            // An address that does not parse will not parse on the next attempt either: given up now.
            if (attempts >= maxAttempts || e instanceof jakarta.mail.internet.AddressException) {
                em.createNativeQuery("update mail_outbox set failed_at = ?1, attempts = ?2, last_error = ?3,"
                                + " text_body = '', html_body = '' where id = ?4")
                        .setParameter(1, now)
                        .setParameter(2, attempts)
                        .setParameter(3, error)
                        .setParameter(4, id)
                        .executeUpdate();
                metrics.mail("failed");
                LOG.warning("Mail " + id + " given up after " + attempts + " attempts: "
                        + e.getClass().getSimpleName());
            } else {
                Instant next = now.plus(delay(attempts));
                em.createNativeQuery(
                                "update mail_outbox set next_attempt_at = ?1, attempts = ?2, last_error = ?3 where id = ?4")
                        .setParameter(1, next)
                        .setParameter(2, attempts)
                        .setParameter(3, error)
                        .setParameter(4, id)
                        .executeUpdate();
                metrics.mail("retried");
                LOG.info("Mail " + id + " not sent (attempt " + attempts + "), retried at " + next + ": "
                        + e.getClass().getSimpleName());
            }
        }
        return true;
    }

    /** retry-delay × 2^(attempts-1), at most an hour. */
    Duration delay(int attempts) {
        Duration d = retryDelay;
        for (int i = 1; i < attempts && d.compareTo(MAX_DELAY) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
    }
}
