package dev.vigile.audit;

import dev.vigile.audit.control.AuditWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit feature's façade for writers: a change and its success row commit together ({@link
 * #record}); failures and denials are written in a transaction of their own ({@link
 * #recordAlone}) so that the request's rollback cannot erase them.
 */
@ApplicationScoped
public class AuditLog {
    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

    @Inject
    AuditWriter writer;

    /** Records in the caller's transaction: the row commits or rolls back with the change. */
    public void record(AuditEntry entry) {
        writer.inCurrentTransaction(entry);
    }

    /**
     * Records in a new transaction that commits at once. A database failure here is logged, not
     * thrown, so the client still gets the answer its request deserves.
     */
    public void recordAlone(AuditEntry entry) {
        try {
            writer.inNewTransaction(entry);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not record audit event {0}: {1}", new Object[] {entry.action(), e.toString()
            });
        }
    }
}
