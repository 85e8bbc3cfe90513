package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigile.launcher.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stops and starts again under load. Its own Vigile runs on its own embedded
 * PostgreSQL (so the restart cannot disturb other tests). While the database is down requests
 * answer 503 problem+json at once; afterwards Vigile serves again without a restart; every 2xx is
 * in the database with its audit row (found by the request id we sent); the chain verifies.
 */
class ResilienceIT {
    static Path dataDir;
    static int pgPort;
    static EmbeddedDatabase pg;
    static String jdbcUrl;
    static VigileUnderTest vigile;
    static String base;

    /** One request as the client saw it. */
    record Outcome(String op, String requestId, int status, String body, String contentType) {}

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("vigile-resilience");
        pgPort = TestServer.freePort();
        pg = EmbeddedDatabase.start(dataDir.resolve("pg"), pgPort, false);
        jdbcUrl = pg.ensureDatabase("vigile");
        TestServer.Database db = new TestServer.Database(
                jdbcUrl, pg.ensureRole("vigile"), "embedded", EmbeddedDatabase.USER, "embedded", () -> {});
        // Every refresh audited, so that every 2xx below can be matched to its row.
        vigile = VigileUnderTest.named("resilience")
                .database(db)
                .set("VIGILE_AUDIT_REFRESH_INTERVAL", "PT0S")
                .start();
        base = vigile.base;
    }

    @AfterAll
    static void stop() throws Exception {
        if (vigile != null) {
            vigile.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    /** One client's loop: register once, then login, refresh, rename, read, until told to stop. */
    static void client(AtomicBoolean running, ConcurrentLinkedQueue<Outcome> outcomes) {
        Api api = new Api(base);
        String email = Api.uniqueEmail();
        String password = "resilient passphrase " + UUID.randomUUID();
        String access = null;
        String refresh = null;
        int i = 0;
        boolean registered = false;
        while (running.get()) {
            String op;
            Api.Res r;
            String rid = "res-" + UUID.randomUUID();
            Map<String, String> h = Map.of("X-Request-Id", rid);
            try {
                if (access == null) {
                    op = registered ? "login" : "register";
                    r = api.call("POST", "/api/auth/" + op, obj("email", email, "password", password), null, h);
                    if (r.status() / 100 == 2) {
                        registered = true;
                        access = r.json().get("access_token").asText();
                        refresh = r.json().get("refresh_token").asText();
                    } else if (r.status() == 409) {
                        registered = true;
                    }
                } else if (i % 3 == 0) {
                    op = "refresh";
                    r = api.call("POST", "/api/auth/refresh", obj("refreshToken", refresh), null, h);
                    if (r.status() == 200) {
                        access = r.json().get("access_token").asText();
                        refresh = r.json().get("refresh_token").asText();
                    } else if (r.status() == 401) {
                        access = null;
                    }
                } else if (i % 3 == 1) {
                    op = "rename";
                    r = api.call("PATCH", "/api/users/me", obj("displayName", "n" + i), access, h);
                    if (r.status() == 401) {
                        access = null;
                    }
                } else {
                    op = "read";
                    r = api.call("GET", "/api/users/me", null, access, h);
                    if (r.status() == 401) {
                        access = null;
                    }
                }
                outcomes.add(new Outcome(op, rid, r.status(), r.body(), r.header("Content-Type")));
            } catch (AssertionError e) {
                // An HTTP timeout (30 s) is a hang: recorded as status 0 and failed below.
                outcomes.add(new Outcome("?", rid, 0, String.valueOf(e.getMessage()), null));
            }
            i++;
        }
    }

    @Test
    void aDatabaseRestartUnderLoadLosesNothing() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            clients.add(pool.submit(() -> client(running, outcomes)));
        }
        // Conditions, not durations: load runs before the outage, is answered during it, and
        // succeeds again after it, however fast this machine serves.
        Duration bound = Duration.ofMinutes(2);
        await("load before the outage").atMost(bound).until(() -> outcomes.size() > 20);
        int beforeOutage = outcomes.size();
        pg.close();
        await("requests answered during the outage, some of them 503")
                .atMost(bound)
                .until(() -> outcomes.size() - beforeOutage > 10
                        && outcomes.stream().skip(beforeOutage).anyMatch(o -> o.status() == 503));
        int duringOutage = outcomes.size() - beforeOutage;
        pg = EmbeddedDatabase.start(dataDir.resolve("pg"), pgPort, false);
        Api api = new Api(base);
        await("ready again without a restart")
                .atMost(bound)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> api.get("/health/ready", null).status() == 200);
        int recovered = outcomes.size();
        await("requests succeed again after recovery")
                .atMost(bound)
                .until(() -> outcomes.stream()
                                .skip(recovered)
                                .filter(o -> o.status() / 100 == 2)
                                .count()
                        >= 10);
        running.set(false);
        for (Future<?> f : clients) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<Outcome> all = new ArrayList<>(outcomes);
        assertTrue(beforeOutage > 20, "load ran before the outage: " + beforeOutage);
        assertTrue(duringOutage > 10, "requests kept being answered during the outage: " + duringOutage);
        long unavailable = all.stream().filter(o -> o.status() == 503).count();
        assertTrue(unavailable > 0, "the outage was seen as 503");
        for (Outcome o : all) {
            assertTrue(o.status() != 0, "no hang: " + o);
            assertTrue(o.status() < 500 || o.status() == 503, "only 503 among server errors: " + o);
            if (o.status() >= 400) {
                assertTrue(
                        o.contentType() != null && o.contentType().startsWith("application/problem+json"),
                        o.toString());
                assertFalse(o.body().contains("Exception") || o.body().contains("org."), "no internals: " + o);
            }
        }
        long afterOk =
                all.stream().skip(recovered).filter(o -> o.status() / 100 == 2).count();
        assertTrue(afterOk >= 10, "requests succeed again after recovery: " + afterOk);

        // Every audited 2xx left its audit row, found by the request id we sent.
        Map<String, String> actions = Map.of(
                "register",
                "auth.register",
                "login",
                "auth.login",
                "refresh",
                "auth.refresh",
                "rename",
                "user.updated");
        try (Connection c = DriverManager.getConnection(jdbcUrl, EmbeddedDatabase.USER, "embedded");
                PreparedStatement ps =
                        c.prepareStatement("select count(*) from audit_events where request_id = ? and action = ?")) {
            int checked = 0;
            for (Outcome o : all) {
                String action = actions.get(o.op());
                if (action == null || o.status() / 100 != 2) {
                    continue;
                }
                ps.setString(1, o.requestId());
                ps.setString(2, action);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(1, rs.getInt(1), "the audit row of " + o);
                }
                checked++;
            }
            assertTrue(checked > 20, "audited successes checked: " + checked);
        }
        String admin = api.adminToken();
        JsonNode verify = api.get("/api/admin/audit/verify", admin).json();
        assertTrue(verify.get("valid").asBoolean(), verify.toString());
    }
}
