package dev.vigile.platform.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ClusterSealTest {
    static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    static ClusterSeal at(String secret, Instant instant) {
        return new ClusterSeal(secret, Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void aMessageSealedWithTheSecretIsAcceptedOnce() {
        ClusterSeal seal = at("s3cret", NOW);
        String sealed = seal.seal("notify", "{\"id\":7}", "member-a");
        ClusterSeal.Accepted ok = assertInstanceOf(ClusterSeal.Accepted.class, seal.open(sealed));
        assertEquals("notify", ok.type());
        assertEquals("{\"id\":7}", ok.body());
        assertEquals(
                "replay",
                assertInstanceOf(ClusterSeal.Rejected.class, seal.open(sealed)).reason());
    }

    @Test
    void aWrongSecretAlteredFieldsOrAStaleTimeAreRefused() {
        String sealed = at("s3cret", NOW).seal("users-cut-off", "{\"ids\":[]}", "member-a");
        ClusterSeal.Rejected wrong =
                assertInstanceOf(ClusterSeal.Rejected.class, at("another", NOW).open(sealed));
        assertEquals("bad-mac", wrong.reason());
        assertEquals("member-a", wrong.claimedSender());
        String altered = sealed.replace("users-cut-off", "sessions-revoked");
        assertEquals(
                "bad-mac",
                assertInstanceOf(ClusterSeal.Rejected.class, at("s3cret", NOW).open(altered))
                        .reason());
        assertEquals(
                "stale",
                assertInstanceOf(
                                ClusterSeal.Rejected.class,
                                at("s3cret", NOW.plus(ClusterSeal.MAX_SKEW).plusSeconds(1))
                                        .open(sealed))
                        .reason());
        assertEquals(
                "malformed",
                assertInstanceOf(ClusterSeal.Rejected.class, at("s3cret", NOW).open("{\"type\":\"notify\"}"))
                        .reason());
        assertEquals(
                "malformed",
                assertInstanceOf(ClusterSeal.Rejected.class, at("s3cret", NOW).open("not json"))
                        .reason());
    }

    @Test
    void aSealedValueOpensForItsMapAndKeyOnly() {
        ClusterSeal seal = at("s3cret", NOW);
        String value = seal.sealValue("counts", "member-a", 42);
        assertEquals(42L, seal.openValue("counts", "member-a", value));
        assertNull(seal.openValue("counts", "member-b", value), "moved to another key");
        assertNull(seal.openValue("counts", "member-a", "43" + value.substring(2)), "another value");
        assertNull(at("another", NOW).openValue("counts", "member-a", value));
        assertNull(seal.openValue("counts", "member-a", "42"));
    }
}
