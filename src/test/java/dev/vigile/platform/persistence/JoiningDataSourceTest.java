package dev.vigile.platform.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class JoiningDataSourceTest {
    /** The calls that reached the pool's connection, by method name. */
    final List<String> reached = new ArrayList<>();

    DataSource pool() {
        Connection c = (Connection)
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> {
                    reached.add(m.getName());
                    return m.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
        return (DataSource)
                Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> c);
    }

    static TransactionSynchronizationRegistry status(int status) {
        return (TransactionSynchronizationRegistry) Proxy.newProxyInstance(
                JoiningDataSourceTest.class.getClassLoader(),
                new Class<?>[] {TransactionSynchronizationRegistry.class},
                (p, m, a) -> m.getName().equals("getTransactionStatus") ? status : null);
    }

    @Test
    void insideATransactionTheLibrarysOwnCommitsAndRollbacksDoNotReachTheConnection() throws Exception {
        Connection c = new JoiningDataSource(pool(), status(Status.STATUS_ACTIVE)).getConnection();
        c.setAutoCommit(false);
        assertFalse(c.getAutoCommit());
        c.prepareStatement("select 1");
        c.commit();
        c.rollback();
        c.close();
        assertEquals(List.of("prepareStatement", "close"), reached);
    }

    @Test
    void outsideATransactionItRefusesAndGivesTheConnectionBack() {
        JoiningDataSource ds = new JoiningDataSource(pool(), status(Status.STATUS_NO_TRANSACTION));
        assertThrows(IllegalStateException.class, ds::getConnection);
        assertEquals(List.of("close"), reached);
        JoiningDataSource ending = new JoiningDataSource(pool(), status(Status.STATUS_MARKED_ROLLBACK));
        assertThrows(IllegalStateException.class, ending::getConnection);
    }
}
