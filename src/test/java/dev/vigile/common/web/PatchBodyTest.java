package dev.vigile.common.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.common.problem.ApplicationException;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PatchBodyTest {
    static JsonValue json(String s) {
        return Json.createReader(new StringReader(s)).readValue();
    }

    @Test
    void absentLeavesAloneNullClearsAndTextIsStripped() {
        PatchBody p = PatchBody.of(
                json("{\"displayName\": \"  Ada \", \"enabled\": false}"), Set.of("displayName", "enabled"));
        assertEquals(Optional.of("Ada"), p.text("displayName", 100));
        assertTrue(p.has("enabled"));
        assertFalse(p.bool("enabled"));
        p.validate();
        PatchBody cleared = PatchBody.of(json("{\"displayName\": null}"), Set.of("displayName"));
        assertTrue(cleared.has("displayName"));
        assertEquals(Optional.empty(), cleared.text("displayName", 100));
        assertFalse(PatchBody.of(json("{}"), Set.of("displayName")).has("displayName"));
    }

    @Test
    void membersOutsideTheListAreRefusedEachByName() {
        ApplicationException e = assertThrows(
                ApplicationException.class,
                () -> PatchBody.of(json("{\"roles\": [], \"displayName\": \"x\", \"id\": 1}"), Set.of("displayName")));
        assertEquals(400, e.status());
        assertEquals("id", e.errors().get(0).field());
        assertEquals("roles", e.errors().get(1).field());
        assertEquals(
                400,
                assertThrows(ApplicationException.class, () -> PatchBody.of(json("[1]"), Set.of()))
                        .status());
    }

    @Test
    void wrongTypesAndLengthsAreFieldErrors() {
        PatchBody p =
                PatchBody.of(json("{\"displayName\": 5, \"enabled\": \"yes\"}"), Set.of("displayName", "enabled"));
        p.text("displayName", 100);
        p.bool("enabled");
        ApplicationException e = assertThrows(ApplicationException.class, p::validate);
        assertEquals(2, e.errors().size());
        PatchBody longName =
                PatchBody.of(json("{\"displayName\": \"" + "é".repeat(101) + "\"}"), Set.of("displayName"));
        longName.text("displayName", 100);
        assertThrows(ApplicationException.class, longName::validate);
        PatchBody exact = PatchBody.of(json("{\"displayName\": \"" + "😀".repeat(100) + "\"}"), Set.of("displayName"));
        assertEquals(200, exact.text("displayName", 100).orElseThrow().length(), "100 code points, 200 chars");
        exact.validate();
    }
}
