package dev.vigile.platform.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.identity.accounts.boundary.UsersRefreshed;
import dev.vigile.identity.events.SessionsEndedNotice;
import dev.vigile.identity.events.UserTokensCutOffNotice;
import dev.vigile.notifications.NotificationPosted;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Typed cluster events keep the wire names and bodies that members wrote by hand before, so that
 * members of the two versions understand each other during a rolling upgrade.
 */
class ClusterEventWireTest {
    static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    @Test
    void eventsTravelUnderTheirFormerNamesAndBodies() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertEquals("users-cut-off", ClusterEvent.typeOf(UserTokensCutOffNotice.class));
        assertEquals("sessions-revoked", ClusterEvent.typeOf(SessionsEndedNotice.class));
        assertEquals("users-changed", ClusterEvent.typeOf(UsersRefreshed.class));
        assertEquals("notify", ClusterEvent.typeOf(NotificationPosted.class));
        assertEquals(
                json("{\"ids\":[\"" + a + "\",\"" + b + "\"]}"),
                json(ClusterMessage.bodyOf(new UserTokensCutOffNotice(List.of(a, b)))));
        assertEquals(
                json("{\"ids\":[\"" + a + "\"],\"all\":true}"),
                json(ClusterMessage.bodyOf(new UsersRefreshed(List.of(a), true))));
        assertEquals(json("{\"message\":42}"), json(ClusterMessage.bodyOf(new NotificationPosted(42))));
    }

    @Test
    void aMessageReadsAsTheRecordItNamesAndAsNoOther() {
        UUID a = UUID.randomUUID();
        ClusterMessage cutOff = new ClusterMessage("users-cut-off", json("{\"ids\":[\"" + a + "\"]}"));
        assertEquals(
                List.of(a),
                cutOff.as(UserTokensCutOffNotice.class).orElseThrow().ids());
        assertTrue(cutOff.as(SessionsEndedNotice.class).isEmpty(), "same body, other name: not a session cut-off");
        assertTrue(cutOff.as(NotificationPosted.class).isEmpty());
        ClusterMessage notify = new ClusterMessage("notify", json("{\"message\":7}"));
        assertEquals(7, notify.as(NotificationPosted.class).orElseThrow().message());
    }
}
