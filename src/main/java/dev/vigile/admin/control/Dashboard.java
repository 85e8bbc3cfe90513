package dev.vigile.admin.control;

import dev.vigile.audit.control.AuditActions;
import dev.vigile.audit.control.AuditEvent;
import dev.vigile.audit.control.AuditQueries;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The admin dashboard's figures, each from one aggregate query over an index: nothing loads the
 * users into memory.
 */
@ApplicationScoped
public class Dashboard {
  static final int RECENT_AUDIT = 10;

  @Resource(lookup = "java:app/jdbc/vigile")
  DataSource dataSource;

  @Inject AuditQueries audit;
  @Inject Clock clock;
  @Inject RealtimeStatus realtime;

  @Inject
  @ConfigProperty(name = "vigile.refresh.idle-ttl", defaultValue = "P7D")
  Duration idleTtl;

  public record Users(long total, long enabled, Map<String, Long> byRole, long newLast7Days) {}

  public record Sessions(long active) {}

  /** Logins in one hour: the hour's start and its counts. */
  public record Hour(Instant hour, long succeeded, long failed) {}

  public record Logins(long succeeded24h, long failed24h, List<Hour> perHour) {}

  public record Realtime(long connections) {}

  public record Cluster(int members) {}

  public record Figures(
      Users users,
      Sessions sessions,
      Logins logins,
      Realtime realtime,
      Cluster cluster,
      List<AuditEvent> recentAudit) {}

  public Figures figures() {
    Instant now = clock.instant();
    try (Connection c = dataSource.getConnection()) {
      return new Figures(
          users(c, now),
          new Sessions(activeSessions(c, now)),
          logins(c, now),
          new Realtime(realtime.connections()),
          new Cluster(realtime.clusterMembers()),
          audit.recent(RECENT_AUDIT));
    } catch (SQLException e) {
      throw new IllegalStateException("Could not compute the dashboard", e);
    }
  }

  private static OffsetDateTime at(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }

  private Users users(Connection c, Instant now) throws SQLException {
    long total;
    long enabled;
    long recent;
    try (PreparedStatement ps =
        c.prepareStatement(
            "select count(*), count(*) filter (where enabled),"
                + " count(*) filter (where created_at > ?) from users")) {
      ps.setObject(1, at(now.minus(7, ChronoUnit.DAYS)));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        total = rs.getLong(1);
        enabled = rs.getLong(2);
        recent = rs.getLong(3);
      }
    }
    Map<String, Long> byRole = new TreeMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "select r.name, count(ur.user_id) from roles r"
                    + " left join user_roles ur on ur.role_name = r.name group by r.name");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        byRole.put(rs.getString(1), rs.getLong(2));
      }
    }
    return new Users(total, enabled, byRole, recent);
  }

  private long activeSessions(Connection c, Instant now) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "select count(*) from sessions where revoked_at is null and expires_at > ?"
                + " and last_used_at > ?")) {
      ps.setObject(1, at(now));
      ps.setObject(2, at(now.minus(idleTtl)));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private Logins logins(Connection c, Instant now) throws SQLException {
    Instant firstHour = now.truncatedTo(ChronoUnit.HOURS).minus(23, ChronoUnit.HOURS);
    Instant since = now.minus(24, ChronoUnit.HOURS);
    Map<Instant, long[]> hours = new HashMap<>();
    long succeeded = 0;
    long failed = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "select date_trunc('hour', occurred_at at time zone 'UTC'),"
                + " count(*) filter (where action = ? and occurred_at > ?),"
                + " count(*) filter (where action = ? and occurred_at > ?),"
                + " count(*) filter (where action = ?), count(*) filter (where action = ?)"
                + " from audit_events where action in (?, ?) and occurred_at >= ?"
                + " group by 1")) {
      ps.setString(1, AuditActions.AUTH_LOGIN);
      ps.setObject(2, at(since));
      ps.setString(3, AuditActions.AUTH_LOGIN_FAILED);
      ps.setObject(4, at(since));
      ps.setString(5, AuditActions.AUTH_LOGIN);
      ps.setString(6, AuditActions.AUTH_LOGIN_FAILED);
      ps.setString(7, AuditActions.AUTH_LOGIN);
      ps.setString(8, AuditActions.AUTH_LOGIN_FAILED);
      ps.setObject(9, at(firstHour.isBefore(since) ? firstHour : since));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Instant hour = rs.getObject(1, java.time.LocalDateTime.class).toInstant(ZoneOffset.UTC);
          succeeded += rs.getLong(2);
          failed += rs.getLong(3);
          hours.put(hour, new long[] {rs.getLong(4), rs.getLong(5)});
        }
      }
    }
    List<Hour> perHour = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      Instant hour = firstHour.plus(i, ChronoUnit.HOURS);
      long[] n = hours.getOrDefault(hour, new long[2]);
      perHour.add(new Hour(hour, n[0], n[1]));
    }
    return new Logins(succeeded, failed, perHour);
  }
}
