package dev.vigile.platform.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.function.Supplier;

/**
 * One unit of work: what is given runs in a single JTA transaction, committed when it returns
 * and rolled back when it throws (a runtime exception). A use case calls it once, around its
 * writes, and keeps what must not hold a connection (password hashing, throttling, mail to an
 * external server) outside; the transaction is then visible at the call, not hidden in a nested
 * bean. Joins the caller's transaction when there is one.
 *
 * <p>Not final and no constructor arguments: a CDI proxy applies {@code @Transactional}. Tests
 * wired by hand use {@link #direct()}, which runs the work as is.
 */
@ApplicationScoped
public class UnitOfWork {
    @Transactional
    public <T> T call(Supplier<T> work) {
        return work.get();
    }

    @Transactional
    public void run(Runnable work) {
        work.run();
    }

    /** A unit of work without a transaction manager, for code wired by hand in unit tests. */
    public static UnitOfWork direct() {
        return new UnitOfWork();
    }
}
