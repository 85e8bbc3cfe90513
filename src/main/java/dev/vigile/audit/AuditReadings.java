package dev.vigile.audit;

import dev.vigile.audit.control.AuditQueries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;

/** The audit feature's façade for readers elsewhere (the dashboard): figures, not tables. */
@ApplicationScoped
public class AuditReadings {
    @Inject
    AuditQueries queries;

    /** The newest {@code limit} events, newest first. */
    public List<AuditEvent> recent(int limit) {
        return queries.recent(limit);
    }

    /** Logins per hour from {@code firstHour}, and their totals after {@code since}. */
    public LoginCounts logins(Instant firstHour, Instant since) {
        return queries.logins(firstHour, since);
    }
}
