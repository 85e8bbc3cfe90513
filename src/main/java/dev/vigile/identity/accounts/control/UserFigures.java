package dev.vigile.identity.accounts.control;

import dev.vigile.identity.UserCounts;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/** Aggregate figures over the accounts' tables, each one query over an index; nothing is loaded. */
@ApplicationScoped
public class UserFigures {
    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    public UserCounts users(Instant since) {
        try (Connection c = dataSource.getConnection()) {
            long total;
            long enabled;
            long recent;
            try (PreparedStatement ps = c.prepareStatement(
                    "select count(*), count(*) filter (where enabled), count(*) filter (where created_at > ?) from users")) {
                ps.setObject(1, since.atOffset(ZoneOffset.UTC));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                    enabled = rs.getLong(2);
                    recent = rs.getLong(3);
                }
            }
            Map<String, Long> byRole = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("select r.name, count(ur.user_id) from roles r"
                            + " left join user_roles ur on ur.role_name = r.name group by r.name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byRole.put(rs.getString(1), rs.getLong(2));
                }
            }
            return new UserCounts(total, enabled, recent, byRole);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not count users", e);
        }
    }

    /** The enabled accounts holding {@code role}, or all enabled accounts when it is null. */
    public long enabledUsers(String role) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        role == null
                                ? "select count(*) from users where enabled"
                                : "select count(*) from users u join user_roles ur on ur.user_id = u.id where ur.role_name = ? and u.enabled")) {
            if (role != null) {
                ps.setString(1, role);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not count users", e);
        }
    }
}
