package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigile.audit.control.AuditArchive;
import dev.vigile.audit.control.AuditKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Audit retention (issue 37): a server that keeps events 4 s archives and removes older ones at
 * each sweep (every second here). What remains verifies and continues the archive's chain; the
 * archive verifies offline, by the documented command, and a changed, removed or re-signed piece of
 * it is found.
 */
class AuditRetentionIT {
    static VigileUnderTest vigile;
    static Path archive;

    /** Details PostgreSQL's jsonb text must give back exactly for the offline hash to match. */
    static final String AWKWARD_DETAILS =
            "{\"quote\": \"a\\\"b\", \"back\": \"c\\\\d\", \"lines\": \"e\\nf\\tg\\u0001h\","
                    + " \"accents\": \"été ✓ 😀\", \"n\": 1.50, \"big\": 12345678901234567890, \"nested\": [1, {\"z\": null,"
                    + " \"a\": [true, false]}], \"long key first?\": \"no, jsonb sorts keys by length\"}";

    @BeforeAll
    static void start() throws Exception {
        archive = Files.createTempDirectory("vigile-audit-archive");
        vigile = VigileUnderTest.named("retention")
                .set("VIGILE_AUDIT_RETENTION", "PT4S")
                .set("VIGILE_AUDIT_ARCHIVE_DIR", archive.toString())
                .set("VIGILE_SWEEP_INTERVAL", "PT1S")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vigile != null) {
            vigile.close();
        }
    }

    private static long scalar(String sql, Object... params) throws SQLException {
        try (Connection c = vigile.db();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** An audit row written straight into the table, as the application writes them (with the key). */
    private static void insertAwkwardRow() throws SQLException {
        try (Connection c = vigile.db()) {
            c.setAutoCommit(false);
            try (PreparedStatement key = c.prepareStatement("select set_config('vigile.audit_key', ?, true)")) {
                key.setString(1, TestServer.auditKeyHex());
                key.executeQuery().close();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into audit_events (actor_email, action, outcome,"
                            + " user_agent, target_id, details) values (?, 'test.awkward', 'success', ?, ?, cast(? as jsonb))")) {
                ps.setString(1, "zoë@exämple.com");
                ps.setString(2, "agent \"quoted\" \\ back\tslash");
                ps.setString(3, "line\nbreak\u0002");
                ps.setString(4, AWKWARD_DETAILS);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    private static List<String> lines(Path dir) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .toList()) {
                all.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return all;
    }

    private static AuditKey key() {
        return AuditKey.of(Optional.of(TestServer.AUDIT_KEY));
    }

    @Test
    void eventsPastTheRetentionAreArchivedThenRemovedAndTheProofHolds() throws Exception {
        Api api = vigile.api();
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    201,
                    api.register(Api.uniqueEmail(), "retained passphrase " + i).status());
        }
        assertEquals(401, api.login(Api.uniqueEmail(), "nobody's password").status());
        insertAwkwardRow();
        long lastId = scalar("select max(id) from audit_events");
        // A later event, so that lastId is not the newest row (which is never retired).
        assertEquals(
                201, api.register(Api.uniqueEmail(), "a later passphrase 1").status());

        Awaitility.await("events up to " + lastId + " archived and removed")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> scalar("select coalesce(max(upto_id), 0) from audit_checkpoints") >= lastId);

        // What follows reads the table, verify and the archive while no retirement runs.
        try (Connection owner = vigile.db();
                Statement lock = owner.createStatement()) {
            lock.execute("select pg_advisory_lock(" + RETENTION_LOCK + ")");
            try {
                checkWhileNoRetirementRuns(api, lastId);
            } finally {
                lock.execute("select pg_advisory_unlock(" + RETENTION_LOCK + ")");
            }
        }
        // The retirement is itself audited.
        assertTrue(scalar("select count(*) from audit_events where action = 'audit.archived'") >= 1);
    }

    private void checkWhileNoRetirementRuns(Api api, long lastId) throws Exception {
        // Removed from the table, the tallies following.
        long checkpoint = scalar("select max(upto_id) from audit_checkpoints");
        assertEquals(0, scalar("select count(*) from audit_events where id > 0 and id <= ?", checkpoint));
        String admin = api.adminToken();
        long remaining = scalar("select count(*) from audit_events where id > 0");
        long total =
                api.get("/api/admin/audit?size=1", admin).json().get("total").asLong();
        // Rows may be sealed between the two reads (none retired: the lock is held).
        assertTrue(total >= remaining, total + " vs " + remaining);
        assertEquals(
                0,
                scalar("select (select count(*) from audit_events where id > 0)"
                        + " - (select coalesce(sum(sealed), 0) from audit_event_tally)"),
                "the tally counts what remains (one snapshot)");

        // What remains verifies, continuing the archived chain.
        JsonNode verify = api.get("/api/admin/audit/verify", admin).json();
        assertTrue(verify.get("valid").asBoolean(), verify.toString());
        assertTrue(verify.get("archivedThrough").asLong() >= lastId, verify.toString());
        try (Connection c = vigile.db();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select a.prev_hash, k.hash from audit_events a, audit_checkpoints k"
                        + " where a.id > 0 and k.upto_id = (select max(upto_id) from audit_checkpoints)"
                        + " order by a.id limit 1")) {
            assertTrue(rs.next());
            assertEquals(rs.getString(2), rs.getString(1), "the first kept row chains to the checkpoint");
        }

        // The archive: every retired row once, in order, from the genesis, and the awkward row verbatim.
        Path copy = copy(archive);
        List<String> lines = lines(copy);
        assertTrue(lines.size() >= 6, lines.size() + " lines");
        assertTrue(lines.get(0).contains("\"prevHash\":\"" + "0".repeat(64) + "\""), lines.get(0));
        JsonNode awkward = null;
        long previous = 0;
        for (String line : lines) {
            JsonNode row = Api.JSON.readTree(line);
            assertTrue(row.get("id").asLong() > previous, "ids grow: " + line);
            previous = row.get("id").asLong();
            if ("test.awkward".equals(row.get("action").asText())) {
                awkward = row;
            }
        }
        assertNotNull(awkward, "the awkward row is archived");
        assertEquals("zoë@exämple.com", awkward.get("actorEmail").asText());
        assertEquals("line\nbreak\u0002", awkward.get("targetId").asText());
        assertTrue(awkward.get("details").asText().contains("😀"), awkward.toString());
        JsonNode checkpointFile = Api.JSON.readTree(Files.readString(copy.resolve("checkpoint.json")));
        assertTrue(checkpointFile.get("uptoId").asLong() >= checkpoint, checkpointFile.toString());

        AuditArchive.Check check = AuditArchive.check(copy, key());
        assertTrue(check.valid(), check.toString());
        assertTrue(check.rows() >= lines.size() - 1, check.toString());
    }

    @Test
    void theDocumentedCommandChecksAnArchiveOffline() throws Exception {
        Path dir = archivedCopy();
        String[] valid = offlineCheck(dir);
        assertEquals("0", valid[0], valid[1]);
        assertTrue(valid[1].startsWith("valid: "), valid[1]);

        // A changed row: the same command says where, with status 1.
        Path tampered = copy(dir);
        String month = firstMonth(tampered);
        List<String> lines = new ArrayList<>(Files.readAllLines(tampered.resolve(month)));
        ObjectNode row = (ObjectNode) Api.JSON.readTree(lines.get(1));
        row.put("outcome", "denied");
        lines.set(1, Api.JSON.writeValueAsString(row));
        Files.write(tampered.resolve(month), lines);
        String[] broken = offlineCheck(tampered);
        assertEquals("1", broken[0], broken[1]);
        assertTrue(broken[1].contains("BROKEN at id " + row.get("id").asLong()), broken[1]);
    }

    @Test
    void aChangedRemovedOrReSignedArchiveIsFound() throws Exception {
        Path dir = archivedCopy();
        AuditKey key = key();
        assertTrue(AuditArchive.check(dir, key).valid());
        String month = firstMonth(dir);
        List<String> lines = Files.readAllLines(dir.resolve(month));
        long secondId = Api.JSON.readTree(lines.get(1)).get("id").asLong();
        long thirdId = Api.JSON.readTree(lines.get(2)).get("id").asLong();

        // A field changed: its hash no longer matches.
        Path changed = copy(dir);
        ObjectNode row = (ObjectNode) Api.JSON.readTree(lines.get(1));
        row.put("actorEmail", "someone.else@example.com");
        rewriteLine(changed, month, 1, Api.JSON.writeValueAsString(row));
        AuditArchive.Check c = AuditArchive.check(changed, key);
        assertFalse(c.valid());
        assertEquals(secondId, c.firstBrokenId(), c.toString());

        // The same change with the hash recomputed as PostgreSQL would: the keyed link gives it away.
        Path rehashed = copy(dir);
        ObjectNode forged = (ObjectNode) Api.JSON.readTree(lines.get(1));
        forged.put("actorEmail", "someone.else@example.com");
        String newHash = recomputedHash(forged);
        forged.put("hash", newHash);
        rewriteLine(rehashed, month, 1, Api.JSON.writeValueAsString(forged));
        ObjectNode next = (ObjectNode) Api.JSON.readTree(lines.get(2));
        next.put("prevHash", newHash);
        next.put("hash", recomputedHash(next));
        rewriteLine(rehashed, month, 2, Api.JSON.writeValueAsString(next));
        c = AuditArchive.check(rehashed, key);
        assertFalse(c.valid());
        assertEquals(secondId, c.firstBrokenId(), c.toString());
        assertTrue(c.problem().contains("keyed link"), c.toString());

        // A row removed: the next one no longer chains.
        Path removed = copy(dir);
        List<String> fewer = new ArrayList<>(lines);
        fewer.remove(1);
        Files.write(removed.resolve(month), fewer);
        c = AuditArchive.check(removed, key);
        assertFalse(c.valid());
        assertEquals(thirdId, c.firstBrokenId(), c.toString());

        // The time shown changed while the time hashed stays.
        Path retimed = copy(dir);
        ObjectNode late = (ObjectNode) Api.JSON.readTree(lines.get(1));
        late.put("occurredAt", "2020-01-01T00:00:00.000000Z");
        rewriteLine(retimed, month, 1, Api.JSON.writeValueAsString(late));
        c = AuditArchive.check(retimed, key);
        assertFalse(c.valid());
        assertEquals(secondId, c.firstBrokenId(), c.toString());

        // The checkpoint moved to an earlier row without the key.
        Path moved = copy(dir);
        ObjectNode cp = (ObjectNode) Api.JSON.readTree(Files.readString(moved.resolve("checkpoint.json")));
        JsonNode earlier = Api.JSON.readTree(lines.get(1));
        cp.put("uptoId", earlier.get("id").asLong());
        cp.put("hash", earlier.get("hash").asText());
        cp.set("link", earlier.get("link"));
        Files.writeString(moved.resolve("checkpoint.json"), Api.JSON.writeValueAsString(cp));
        c = AuditArchive.check(moved, key);
        assertFalse(c.valid());
        assertTrue(c.problem().contains("not signed"), c.toString());

        // The archive's last rows cut off: the checkpoint's row is missing.
        Path truncated = copy(dir);
        List<String> months = new ArrayList<>();
        try (Stream<Path> files = Files.list(truncated)) {
            files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).forEach(p -> months.add(p.toString()));
        }
        months.sort(null);
        Path lastMonth = Path.of(months.get(months.size() - 1));
        List<String> lastLines = Files.readAllLines(lastMonth);
        Files.write(lastMonth, lastLines.subList(0, lastLines.size() - 1));
        c = AuditArchive.check(truncated, key);
        assertFalse(c.valid(), c.toString());

        // Another key: nothing verifies.
        c = AuditArchive.check(dir, AuditKey.of(Optional.of(Base64.getEncoder().encodeToString(new byte[32]))));
        assertFalse(c.valid());
    }

    @Test
    void theApplicationsRoleCannotRetireRowsWithoutTheKey() throws Exception {
        TestServer.Database db = vigile.database;
        // The server's retention waits meanwhile, so the rows written now stay.
        try (Connection owner = vigile.db();
                Statement lock = owner.createStatement()) {
            lock.execute("select pg_advisory_lock(" + RETENTION_LOCK + ")");
            try {
                // Two events at least, so the newest but one is of this test, younger than the retention.
                for (int i = 0; i < 2; i++) {
                    assertEquals(
                            201,
                            vigile.api()
                                    .register(Api.uniqueEmail(), "one more passphrase " + i)
                                    .status());
                }
                long id = scalar("select max(id) from audit_events") - 1;
                tryToRetire(db, id);
                assertEquals(1, scalar("select count(*) from audit_events where id = ?", id));
            } finally {
                lock.execute("select pg_advisory_unlock(" + RETENTION_LOCK + ")");
            }
        }
    }

    private static void tryToRetire(TestServer.Database db, long id) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            SQLException noKey = assertThrows(SQLException.class, () -> {
                try (PreparedStatement ps = c.prepareStatement("select audit_retire(?, ?)")) {
                    ps.setLong(1, id);
                    ps.setString(2, "0".repeat(64));
                    ps.executeQuery();
                }
            });
            assertTrue(noKey.getMessage().contains("without the audit key"), noKey.getMessage());
            c.setAutoCommit(false);
            try (PreparedStatement key = c.prepareStatement("select set_config('vigile.audit_key', ?, true)")) {
                key.setString(1, TestServer.auditKeyHex());
                key.executeQuery().close();
            }
            SQLException forged = assertThrows(SQLException.class, () -> {
                try (PreparedStatement ps = c.prepareStatement("select audit_retire(?, ?)")) {
                    ps.setLong(1, id);
                    ps.setString(2, "0".repeat(64));
                    ps.executeQuery();
                }
            });
            assertTrue(forged.getMessage().contains("not signed"), forged.getMessage());
            c.rollback();
            // A key of its own, and the checkpoint signed with it as the function computes it: the
            // key is not the one that signed the chain's anchor.
            String ownKey = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(32));
            try (PreparedStatement key = c.prepareStatement("select set_config('vigile.audit_key', ?, true)")) {
                key.setString(1, ownKey);
                key.executeQuery().close();
            }
            SQLException ownSigned = assertThrows(SQLException.class, () -> {
                try (PreparedStatement ps = c.prepareStatement("select audit_retire(?, encode(hmac(convert_to("
                        + "'vigile-audit-checkpoint:' || a.id || ':' || a.hash || ':' || coalesce(a.link, ''), 'UTF8'),"
                        + " decode(?, 'hex'), 'sha256'), 'hex')) from audit_events a where a.id = ?")) {
                    ps.setLong(1, id);
                    ps.setString(2, ownKey);
                    ps.setLong(3, id);
                    ps.executeQuery();
                }
            });
            assertEquals("42501", ownSigned.getSQLState(), ownSigned.getMessage());
            assertTrue(ownSigned.getMessage().contains("not the audit key"), ownSigned.getMessage());
            c.rollback();
            c.setAutoCommit(true);
            SQLException delete = assertThrows(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("select set_config('vigile.audit_retiring', 'on', false)");
                    s.executeUpdate("delete from audit_events where id = " + id);
                }
            });
            assertEquals("42501", delete.getSQLState(), delete.getMessage());
        }
    }

    /** The lock the server's retention holds while it archives and retires. */
    static final long RETENTION_LOCK = 7363102836530911014L;

    /**
     * A copy of the archive taken while holding the retention's lock, so that no retirement is
     * half-way through it.
     */
    private static Path snapshot() throws Exception {
        try (Connection c = vigile.db();
                Statement s = c.createStatement()) {
            s.execute("select pg_advisory_lock(" + RETENTION_LOCK + ")");
            try {
                return copy(archive);
            } finally {
                s.execute("select pg_advisory_unlock(" + RETENTION_LOCK + ")");
            }
        }
    }

    /** A snapshot of the archive once it holds at least a few retired rows. */
    private static Path archivedCopy() throws Exception {
        Api api = vigile.api();
        for (int i = 0; i < 3; i++) {
            api.register(Api.uniqueEmail(), "copied passphrase " + i);
        }
        long newest = scalar("select max(id) from audit_events") - 1;
        Awaitility.await("an archive of a few rows")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> scalar("select coalesce(max(upto_id), 0) from audit_checkpoints") >= newest);
        return snapshot();
    }

    /** The documented offline command on {@code dir}: its exit status and what it printed. */
    private static String[] offlineCheck(Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.vigile.audit.control.AuditArchive",
                        dir.toString())
                .redirectErrorStream(true);
        pb.environment().put("VIGILE_AUDIT_KEY", TestServer.AUDIT_KEY);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        return new String[] {String.valueOf(p.exitValue()), out};
    }

    private static Path copy(Path dir) throws IOException {
        Path to = Files.createTempDirectory("vigile-audit-archive-copy");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> !p.getFileName().toString().endsWith(".tmp"))
                    .toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    private static String firstMonth(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jsonl"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static void rewriteLine(Path dir, String month, int index, String line) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve(month)));
        lines.set(index, line);
        Files.write(dir.resolve(month), lines);
    }

    /** What an attacker without the key can do: recompute the plain hash, here by PostgreSQL itself. */
    private static String recomputedHash(JsonNode row) throws SQLException {
        try (Connection c = vigile.db();
                PreparedStatement ps = c.prepareStatement("select encode(sha256(convert_to(jsonb_build_array(?::text,"
                        + " ?::bigint, ?::bigint, ?::uuid, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text,"
                        + " ?::text, ?::text, ?::jsonb)::text, 'UTF8')), 'hex')")) {
            String[] fields = {
                "prevHash",
                "id",
                "micros",
                "actorId",
                "actorEmail",
                "action",
                "targetType",
                "targetId",
                "outcome",
                "ip",
                "userAgent",
                "requestId",
                "details"
            };
            for (int i = 0; i < fields.length; i++) {
                JsonNode v = row.get(fields[i]);
                ps.setString(i + 1, v == null || v.isNull() ? null : v.asText());
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
