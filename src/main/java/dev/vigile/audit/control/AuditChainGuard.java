package dev.vigile.audit.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Holds the audit key and, at start, before anything is audited, ties it to the database: the
 * first start signs the id from which rows carry a keyed link (audit_chain_keyed); every later
 * start checks that signature, so a different VIGILE_AUDIT_KEY is refused at once, with a
 * message, instead of surfacing later as a chain that no longer verifies.
 */
@ApplicationScoped
public class AuditChainGuard {
    private static final Logger LOG = Logger.getLogger(AuditChainGuard.class.getName());

    @Inject
    @ConfigProperty(name = "vigile.audit.key")
    Optional<String> configured;

    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    private AuditKey key;
    private volatile Boolean appendOnly;

    /** The id from which rows carry a link, and whether its signature holds. */
    record Anchor(long fromId, boolean signed) {}

    @PostConstruct
    void load() {
        key = AuditKey.of(configured);
    }

    AuditKey key() {
        return key;
    }

    void onStart(
            @Observes @Priority(Interceptor.Priority.APPLICATION) @Initialized(ApplicationScoped.class) Object event) {
        try (Connection c = dataSource.getConnection()) {
            Stored stored = read(c);
            if (stored == null) {
                throw new IllegalStateException("audit_chain_keyed is empty: the audit tables have been tampered with");
            }
            String expected = key.anchor(stored.fromId());
            if (stored.mac() == null) {
                try (PreparedStatement ps =
                        c.prepareStatement("update audit_chain_keyed set mac = ? where mac is null")) {
                    ps.setString(1, expected);
                    ps.executeUpdate();
                }
                LOG.info(() -> "Audit rows from id " + stored.fromId() + " on are chained under VIGILE_AUDIT_KEY");
            } else if (!AuditKey.matches(expected, stored.mac())) {
                throw new IllegalStateException("VIGILE_AUDIT_KEY is not the key this database's audit chain was"
                        + " started under: give the key used until now (the chain cannot be verified, nor extended,"
                        + " under another)");
            }
            appendOnly = appendOnly(c);
            if (!appendOnly) {
                LOG.warning("The application's database user owns the audit table (or is a superuser): it could"
                        + " disable the triggers that keep the audit log append-only. Run migrations as a separate"
                        + " owner (VIGILE_DB_MIGRATION_USER) and the application as a plain role (docs/security.md).");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the audit chain's anchor: " + e.getMessage(), e);
        }
    }

    /**
     * Whether this connection's role can only read and append to the audit table: it neither owns
     * the table (or belongs to its owner) nor is a superuser, nor may update or delete its rows.
     */
    private static boolean appendOnly(Connection c) throws SQLException {
        try (PreparedStatement ps =
                        c.prepareStatement("select not (r.rolsuper or pg_has_role(current_user, t.relowner, 'MEMBER')"
                                + " or has_table_privilege('audit_events', 'UPDATE')"
                                + " or has_table_privilege('audit_events', 'DELETE')"
                                + " or has_table_privilege('audit_events', 'TRUNCATE'))"
                                + " from pg_class t, pg_roles r"
                                + " where t.oid = 'audit_events'::regclass and r.rolname = current_user");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Whether the application's role can only append to the audit log; null before start. */
    public Boolean appendOnly() {
        return appendOnly;
    }

    private record Stored(long fromId, String mac) {}

    private static Stored read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select from_id, mac from audit_chain_keyed");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Stored(rs.getLong(1), rs.getString(2)) : null;
        }
    }

    /** The anchor as stored now, checked against the key (unsigned if missing). */
    Anchor anchor(Connection c) throws SQLException {
        Stored stored = read(c);
        return stored == null
                ? new Anchor(1, false)
                : new Anchor(stored.fromId(), AuditKey.matches(key.anchor(stored.fromId()), stored.mac()));
    }
}
