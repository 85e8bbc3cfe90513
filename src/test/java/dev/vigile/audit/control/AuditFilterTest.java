package dev.vigile.audit.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.common.problem.ApplicationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditFilterTest {
    @Test
    void anActorIsAnIdOrANormalisedEmail() {
        UUID id = UUID.randomUUID();
        AuditFilter byId = AuditFilter.parse(id.toString(), null, null, null, null, null);
        assertEquals(id, byId.actorId());
        assertNull(byId.actorEmail());
        AuditFilter byEmail = AuditFilter.parse("  Ada@Example.COM ", null, null, null, null, null);
        assertEquals("ada@example.com", byEmail.actorEmail());
        assertNull(byEmail.actorId());
    }

    @Test
    void conditionsAndParametersMatch() {
        AuditFilter f = AuditFilter.parse(
                null, "auth.login", "t1", "failure", "2026-11-24T07:00:00Z", "2026-11-24T09:00:00+01:00");
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        f.where(sql, params);
        assertEquals(
                " and a.target_id = ? and a.action = ? and a.outcome = ? and a.occurred_at >= ? and a.occurred_at < ?",
                sql.toString());
        assertEquals(List.of("t1", "auth.login", "failure"), params.subList(0, 3));
        assertEquals(5, params.size());
        assertEquals(Instant.parse("2026-11-24T08:00:00Z"), f.to(), "offsets are honoured");
    }

    @Test
    void badValuesAreOneProblemNamingEachField() {
        ApplicationException e = assertThrows(
                ApplicationException.class,
                () -> AuditFilter.parse(null, "Robert'); drop", null, "maybe", "yesterday", "later"));
        assertEquals(400, e.status());
        assertEquals(
                List.of("action", "outcome", "from", "to"),
                e.errors().stream().map(x -> x.field()).toList());
        ApplicationException order = assertThrows(
                ApplicationException.class,
                () -> AuditFilter.parse(null, null, null, null, "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"));
        assertEquals("to", order.errors().get(0).field());
    }

    /** Only action and outcome, alone or together, have a kept tally; any other filter counts. */
    @Test
    void onlyActionAndOutcomeAreTallied() {
        assertTrue(AuditFilter.NONE.tallied());
        assertTrue(AuditFilter.parse(null, "auth.login", null, null, null, null).tallied());
        assertTrue(AuditFilter.parse(null, null, null, "denied", null, null).tallied());
        assertTrue(
                AuditFilter.parse(null, "auth.login", " ", "success", "", null).tallied());
        assertFalse(AuditFilter.parse("a@b.example", "auth.login", null, null, null, null)
                .tallied());
        assertFalse(AuditFilter.parse(UUID.randomUUID().toString(), null, null, null, null, null)
                .tallied());
        assertFalse(
                AuditFilter.parse(null, "auth.login", "t1", null, null, null).tallied());
        assertFalse(AuditFilter.parse(null, null, null, "success", "2026-11-24T07:00:00Z", null)
                .tallied());
        assertFalse(AuditFilter.parse(null, null, null, null, null, "2026-11-24T07:00:00Z")
                .tallied());
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        AuditFilter.parse(null, "auth.login", null, "success", null, null).actionAndOutcome(sql, params);
        assertEquals(" and a.action = ? and a.outcome = ?", sql.toString());
        assertEquals(List.of("auth.login", "success"), params);
    }
}
