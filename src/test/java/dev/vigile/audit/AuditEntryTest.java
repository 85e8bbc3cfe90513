package dev.vigile.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditEntryTest {
    @Test
    void detailsAreAJsonObjectOfSimpleValues() {
        UUID session = UUID.fromString("00000000-0000-0000-0000-00000000000a");
        AuditEntry e = AuditEntry.success("auth.login")
                .detail("session", session)
                .detail("rehashed", false)
                .detail("count", 3)
                .detail("roles", List.of("ADMIN", "USER"))
                .detail("absent", null)
                .detail("quote", "a \"b\"");
        assertEquals(
                "{\"session\":\"" + session + "\",\"rehashed\":false,\"count\":3,\"roles\":[\"ADMIN\",\"USER\"],"
                        + "\"quote\":\"a \\\"b\\\"\"}",
                e.detailsJson());
        assertEquals("{}", AuditEntry.denied("access.denied").detailsJson());
        assertEquals("denied", AuditEntry.denied("x").outcome().value());
    }
}
