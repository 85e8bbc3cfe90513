package dev.vigile.audit.control;

import dev.vigile.audit.AuditEntry;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.text.Emails;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The filters of the audit list and export: {@code actor} (a user id or an email), {@code action},
 * {@code targetId}, {@code outcome}, {@code from} (inclusive) and {@code to} (exclusive), all
 * optional. Bad values are a 400 naming the parameter.
 */
public record AuditFilter(
        UUID actorId, String actorEmail, String action, String targetId, String outcome, Instant from, Instant to) {
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9._-]{0,63}");

    public static final AuditFilter NONE = new AuditFilter(null, null, null, null, null, null, null);

    public static AuditFilter parse(
            String actor, String action, String targetId, String outcome, String from, String to) {
        List<Problem.FieldError> errors = new ArrayList<>();
        UUID actorId = null;
        String actorEmail = null;
        if (present(actor)) {
            try {
                actorId = UUID.fromString(actor.strip());
            } catch (IllegalArgumentException notAnId) {
                if (actor.length() > 320) {
                    errors.add(new Problem.FieldError("actor", "must be a user id or an email"));
                } else {
                    actorEmail = Emails.lookupKey(actor);
                }
            }
        }
        if (present(action) && !ACTION.matcher(action.strip()).matches()) {
            errors.add(new Problem.FieldError("action", "must be an action name such as auth.login"));
        }
        if (present(targetId) && targetId.length() > 128) {
            errors.add(new Problem.FieldError("targetId", "must be at most 128 characters"));
        }
        if (present(outcome)) {
            try {
                AuditEntry.Outcome.parse(outcome.strip());
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("outcome", "must be success, failure or denied"));
            }
        }
        Instant f = instant("from", from, errors);
        Instant t = instant("to", to, errors);
        if (f != null && t != null && !f.isBefore(t)) {
            errors.add(new Problem.FieldError("to", "must be after from"));
        }
        if (!errors.isEmpty()) {
            throw ApplicationException.invalid(errors);
        }
        return new AuditFilter(
                actorId,
                actorEmail,
                present(action) ? action.strip() : null,
                present(targetId) ? targetId.strip() : null,
                present(outcome) ? outcome.strip() : null,
                f,
                t);
    }

    /** Appends {@code and ...} conditions on alias {@code a} and their parameters. */
    void where(StringBuilder sql, List<Object> params) {
        if (actorId != null) {
            sql.append(" and a.actor_id = ?");
            params.add(actorId);
        }
        if (actorEmail != null) {
            sql.append(" and a.actor_email = ?");
            params.add(actorEmail);
        }
        if (targetId != null) {
            sql.append(" and a.target_id = ?");
            params.add(targetId);
        }
        actionAndOutcome(sql, params);
        if (from != null) {
            sql.append(" and a.occurred_at >= ?");
            params.add(from.atOffset(java.time.ZoneOffset.UTC));
        }
        if (to != null) {
            sql.append(" and a.occurred_at < ?");
            params.add(to.atOffset(java.time.ZoneOffset.UTC));
        }
    }

    /**
     * Whether the seal's tally ({@code audit_event_tally}, per action and outcome) gives this
     * filter's total: no filter other than action and outcome.
     */
    boolean tallied() {
        return actorId == null && actorEmail == null && targetId == null && from == null && to == null;
    }

    /**
     * Appends the {@code and ...} conditions on action and outcome, alias {@code a}, and their
     * parameters: the columns the events and their tally share.
     */
    void actionAndOutcome(StringBuilder sql, List<Object> params) {
        if (action != null) {
            sql.append(" and a.action = ?");
            params.add(action);
        }
        if (outcome != null) {
            sql.append(" and a.outcome = ?");
            params.add(outcome);
        }
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private static Instant instant(String name, String raw, List<Problem.FieldError> errors) {
        if (!present(raw)) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(raw.strip()).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError(name, "must be an ISO-8601 time such as 2026-11-24T08:00:00Z"));
            return null;
        }
    }
}
