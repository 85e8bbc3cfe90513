package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Health, metrics and request logs, as an operator reads them. */
@SharedServer
class ObservabilityIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    @Test
    void healthReportsTheDatabaseAndTheCluster() {
        Api.Res ready = api.get("/health/ready", null);
        assertEquals(200, ready.status());
        JsonNode checks = ready.json().get("checks");
        boolean database = false;
        boolean cluster = false;
        for (JsonNode c : checks) {
            if (c.get("name").asText().equals("vigile-database")) {
                database = c.get("status").asText().equals("UP")
                        && c.get("data").get("migrations").asText().equals("applied")
                        // PostgreSQL enforces the statement timeout (set through the pool's connection options).
                        && c.get("data").get("statementTimeout").asText().equals("30s")
                        && c.get("data").get("requests").asText().equals("accepted");
            }
            if (c.get("name").asText().equals("vigile-cluster")) {
                cluster = c.get("status").asText().equals("UP")
                        && c.get("data").get("members").asInt() == 1
                        && c.get("data").get("grid").asText().equals("running")
                        && c.get("data").get("delivery").asText().equals("ok")
                        && c.get("data").get("eventsFailed").asLong() == 0;
            }
        }
        assertTrue(database && cluster, ready.body());
        assertEquals(200, api.get("/health/live", null).status());
    }

    static double metric(Api api, String name, String labelPart) {
        return api.metrics("?scope=application")
                .body()
                .lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> labelPart == null || l.contains(labelPart))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void metricsAnswerTheScraperAndLoopbackOnlyWhileHealthStaysPublic() {
        // The test client speaks from 10.x.y.z (through the trusted 127.0.0.1 proxy): not allowed.
        Api.Res anonymous = api.get("/metrics", null);
        assertEquals(401, anonymous.status(), anonymous.toString());
        assertTrue(
                anonymous.header("Content-Type").startsWith("application/problem+json"),
                anonymous.header("Content-Type"));
        assertTrue(
                anonymous.header("WWW-Authenticate").startsWith("Basic realm=\"metrics\""),
                anonymous.header("WWW-Authenticate"));
        assertFalse(anonymous.body().contains("vigile_"), "nothing of the metrics");
        String wrong = java.util.Base64.getEncoder()
                .encodeToString("prometheus:not-the-token".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(
                401,
                api.call("GET", "/metrics", null, null, java.util.Map.of("Authorization", "Basic " + wrong))
                        .status());
        Api.Res scraped = api.metrics("?scope=application");
        assertEquals(200, scraped.status());
        assertTrue(
                scraped.body().contains("vigile_ws_connections"),
                "the scraper reads them: " + scraped.body().length() + " bytes");
        Api.Res loopback = api.call(
                "GET", "/metrics?scope=application", null, null, java.util.Map.of("X-Forwarded-For", "127.0.0.1"));
        assertEquals(200, loopback.status(), "loopback (the default allowed address) needs no token");
        assertEquals(200, api.get("/health/ready", null).status());
        assertEquals(200, api.get("/health/live", null).status());
    }

    @Test
    void metricsCountLoginsRefreshesReuseThrottlingNotificationsAndRequests() {
        double ok = metric(api, "vigile_logins_total", "outcome=\"succeeded\"");
        double failed = metric(api, "vigile_logins_total", "outcome=\"failed\"");
        double refreshes = metric(api, "vigile_refreshes_total", null);
        double reuse = metric(api, "vigile_refresh_reuse_total", null);
        double throttled = metric(api, "vigile_throttled_total", null);
        double sent = metric(api, "vigile_notifications_sent_total", null);

        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        Api client = new Api();
        for (int i = 0; i < 4; i++) {
            client.login(a.email(), "wrong " + i);
        }
        String rt = a.refreshToken();
        api.refresh(rt);
        api.refresh(rt);
        api.post(
                "/api/admin/notifications",
                Api.obj("audience", Api.obj("type", "user", "value", a.id()), "title", "m", "body", "b"),
                admin);

        assertEquals(ok + 2, metric(api, "vigile_logins_total", "outcome=\"succeeded\""), "admin and the account");
        assertEquals(failed + 3, metric(api, "vigile_logins_total", "outcome=\"failed\""));
        assertEquals(throttled + 1, metric(api, "vigile_throttled_total", null), "the fourth try");
        assertEquals(refreshes + 1, metric(api, "vigile_refreshes_total", null));
        assertEquals(reuse + 1, metric(api, "vigile_refresh_reuse_total", null));
        assertEquals(
                sent + 2, metric(api, "vigile_notifications_sent_total", null), "the reuse warning and the admin's");
        assertTrue(metric(api, "vigile_http_requests_seconds_count", "route=\"POST /api/auth/login\"") >= 6);
        String all = api.metrics("?scope=application").body();
        assertTrue(all.contains("vigile_ws_connections"), "the connection gauge is published");
    }

    @Test
    void everyRequestLogsOneLineWithoutSecrets() throws Exception {
        String admin = api.adminToken();
        String id = api.get("/api/users/me", admin).json().get("id").asText();
        String rid = "obs-" + UUID.randomUUID();
        Api.Res r = api.call("GET", "/api/users/me?secret=query-" + rid, null, admin, Map.of("X-Request-Id", rid));
        assertEquals(200, r.status());
        assertEquals(rid, r.header("X-Request-Id"));
        // The request log is written by its own thread: wait for the line, generously.
        String line = org.awaitility.Awaitility.await("the request line for " + rid)
                .atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(
                        () -> Files.readAllLines(server.log()).stream()
                                .filter(l -> l.contains("requestId=" + rid))
                                .findFirst()
                                .orElse(null),
                        java.util.Objects::nonNull);
        for (String expected :
                List.of("method=GET", "path=/api/users/me ", "status=200", "durationMs=", "user=" + id)) {
            assertTrue(line.contains(expected), expected + " in " + line);
        }
        assertFalse(line.contains("query-" + rid), "no query string");
        assertFalse(line.contains(admin), "no token");
    }
}
