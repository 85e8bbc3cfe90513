package dev.vigile.platform.persistence;

import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The pool, for a library that runs its own JDBC transactions (Bucket4j's select-for-update
 * buckets), seen from inside a unit of work: every connection it hands out is the active JTA
 * transaction's, with the library's {@code setAutoCommit}, {@code commit} and {@code rollback}
 * made no-ops, so that the library's statements commit (or roll back) with the caller's unit of
 * work instead of in transactions of their own. Outside a transaction it refuses: a caller that
 * meant to join one and has none would otherwise get autocommitted statements without noticing.
 *
 * <p>The library's rollback is dropped, not passed on, because the libraries this serves call it
 * only where they wrote nothing (a lost insert race, a missing row) or after a failed statement,
 * whose exception fails the whole transaction anyway.
 */
public final class JoiningDataSource implements DataSource {
    private final DataSource pool;
    private final TransactionSynchronizationRegistry transactions;

    public JoiningDataSource(DataSource pool, TransactionSynchronizationRegistry transactions) {
        this.pool = pool;
        this.transactions = transactions;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return joined(pool.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return joined(pool.getConnection(username, password));
    }

    private Connection joined(Connection enlisted) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            closeQuietly(enlisted);
            throw new IllegalStateException("No active transaction to join: call this inside a unit of work");
        }
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "setAutoCommit":
                case "commit":
                    return null;
                case "rollback":
                    if (args == null) {
                        return null;
                    }
                    break;
                case "getAutoCommit":
                    return false;
                default:
                    break;
            }
            try {
                return method.invoke(enlisted, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(
                JoiningDataSource.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // it was never used
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return pool.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return pool.isWrapperFor(iface);
    }
}
