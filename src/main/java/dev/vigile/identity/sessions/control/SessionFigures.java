package dev.vigile.identity.sessions.control;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/** Aggregate figures over the sessions, one query over an index; nothing is loaded. */
@ApplicationScoped
public class SessionFigures {
    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    @Inject
    SessionSettings settings;

    /** Sessions neither revoked, expired nor idle past {@code vigile.refresh.idle-ttl} at {@code now}. */
    public long activeSessions(Instant now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select count(*) from sessions where revoked_at is null and expires_at > ? and last_used_at > ?")) {
            ps.setObject(1, now.atOffset(ZoneOffset.UTC));
            ps.setObject(2, now.minus(settings.idleTtl()).atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not count sessions", e);
        }
    }
}
