package dev.vigile.admin.control;

import dev.vigile.audit.AuditEvent;
import dev.vigile.audit.AuditReadings;
import dev.vigile.audit.LoginCounts;
import dev.vigile.identity.Directory;
import dev.vigile.identity.UserCounts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The admin dashboard's figures, each asked of the feature that owns its data (one aggregate
 * query there, over an index: nothing loads the users into memory).
 */
@ApplicationScoped
public class Dashboard {
    static final int RECENT_AUDIT = 10;

    @Inject
    Directory identity;

    @Inject
    AuditReadings audit;

    @Inject
    Clock clock;

    @Inject
    RealtimeStatus realtime;

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
        UserCounts users = identity.userCounts(now.minus(7, ChronoUnit.DAYS));
        return new Figures(
                new Users(users.total(), users.enabled(), users.byRole(), users.createdSince()),
                new Sessions(identity.activeSessions(now)),
                logins(now),
                new Realtime(realtime.connections()),
                new Cluster(realtime.clusterMembers()),
                audit.recent(RECENT_AUDIT));
    }

    private Logins logins(Instant now) {
        Instant firstHour = now.truncatedTo(ChronoUnit.HOURS).minus(23, ChronoUnit.HOURS);
        LoginCounts counts = audit.logins(firstHour, now.minus(24, ChronoUnit.HOURS));
        List<Hour> perHour = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Instant hour = firstHour.plus(i, ChronoUnit.HOURS);
            long[] n = counts.perHour().getOrDefault(hour, new long[2]);
            perHour.add(new Hour(hour, n[0], n[1]));
        }
        return new Logins(counts.succeeded(), counts.failed(), perHour);
    }
}
