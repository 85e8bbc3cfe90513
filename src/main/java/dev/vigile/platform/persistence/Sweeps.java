package dev.vigile.platform.persistence;

import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Deleting lapsed rows in batches, each batch its own short transaction. */
public final class Sweeps {
    /** Rows one batch deletes at most: a short lock, a short transaction. */
    public static final int BATCH = 1000;

    private static final Logger LOG = Logger.getLogger(Sweeps.class.getName());

    private Sweeps() {}

    /**
     * Runs {@code batch} (a statement deleting at most {@link #BATCH} rows) in its own unit of work
     * until it deletes fewer, or {@code maxBatches} ran; a failure is logged, not thrown, so that the
     * next table's sweep still runs.
     *
     * @return the rows deleted
     */
    public static long repeat(UnitOfWork work, String what, int maxBatches, IntSupplier batch) {
        long total = 0;
        try {
            for (int i = 0; i < maxBatches; i++) {
                int deleted = work.call(batch::getAsInt);
                total += deleted;
                if (deleted < BATCH) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not sweep {0}: {1}", new Object[] {what, e.toString()});
        }
        if (total > 0) {
            LOG.log(Level.FINE, "Swept {0} rows of {1}", new Object[] {total, what});
        }
        return total;
    }
}
