package dev.vigile.common.problem;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Tells a lost or refused database connection from other failures, to answer 503 not 500. */
public final class DatabaseUnavailable {
    private DatabaseUnavailable() {}

    public static boolean isCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                // 08xxx: connection exceptions; 57P01..57P03: admin shutdown, crash, cannot connect now.
                if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
                    return true;
                }
            }
            String name = t.getClass().getName();
            if (name.endsWith("PoolingException") || name.endsWith("ResourceException")) {
                return true;
            }
        }
        return false;
    }
}
