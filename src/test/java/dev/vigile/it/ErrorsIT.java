package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every error is RFC 9457 problem+json, including those Payara itself raises. */
@SharedServer
class ErrorsIT {
    final Api api = new Api();

    static void assertProblem(Api.Res r, int status) {
        assertEquals(status, r.status(), r.toString());
        assertEquals("application/problem+json", r.header("Content-Type").split(";")[0], r.toString());
        assertEquals(status, r.json().get("status").asInt());
        assertTrue(r.json().get("type").asText().startsWith("https://vigile.dev/problems/"));
        assertNotNull(r.json().get("title"));
        assertNotNull(r.json().get("detail"));
        for (String leak : new String[] {"<html", "Exception", "at org.", "at dev.", "SQL", "dev.vigile", "Payara"}) {
            assertFalse(r.body().contains(leak), "leaks " + leak + ": " + r.body());
        }
    }

    @Test
    void unknownRoutesAre404Problems() {
        assertProblem(api.get("/no/such/page", null), 404);
        assertProblem(api.get("/api/no/such/route", null), 404);
        Api.Res r = api.get("/api/nothing", null);
        assertEquals("/api/nothing", r.json().get("instance").asText());
    }

    @Test
    void wrongMethodIs405WithAllow() {
        Api.Res r = api.send(api.request("/api/auth/login").DELETE());
        assertProblem(r, 405);
        assertTrue(r.header("Allow").contains("POST"), r.header("Allow"));
    }

    @Test
    void wrongContentTypeIs415() {
        assertProblem(
                api.send(api.request("/api/auth/login")
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("email=x"))),
                415);
    }

    @Test
    void malformedJsonIs400() {
        for (String body : new String[] {"{", "[]", "\"text\"", "{\"email\":1,", "{\"email\":{}}", ""}) {
            Api.Res r = api.post("/api/auth/login", body);
            assertProblem(r, 400);
        }
    }

    @Test
    void bodiesOver64KiBAre413WhateverTheFraming() {
        String big = "{\"email\":\"" + "a".repeat(70_000) + "@example.com\",\"password\":\"x\"}";
        assertProblem(api.post("/api/auth/login", big), 413);
        // Chunked: no Content-Length, the limit applies while reading.
        HttpRequest.BodyPublisher chunked =
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()));
        assertProblem(
                api.send(api.request("/api/auth/login")
                        .header("Content-Type", "application/json")
                        .POST(chunked)),
                413);
        String justUnder = "{\"email\":\"" + "a".repeat(60_000) + "@example.com\",\"password\":\"x\"}";
        Api.Res r = api.post("/api/auth/login", justUnder);
        assertEquals(400, r.status(), "within the limit the body is read and validated: " + r.status());
    }

    @Test
    void responsesCarrySecurityHeadersAndARequestId() {
        Api.Res r = api.get("/api/users/me", null);
        Map<String, String> h = api.headers(r);
        assertEquals("nosniff", h.get("X-Content-Type-Options"));
        assertEquals("DENY", h.get("X-Frame-Options"));
        assertEquals("no-referrer", h.get("Referrer-Policy"));
        assertTrue(h.get("Content-Security-Policy").contains("default-src 'none'"));
        assertNotNull(h.get("X-Request-Id"));
        assertFalse(h.containsKey("X-Powered-By"), h.toString());
        Api.Res echoed = api.send(api.request("/api/users/me")
                .header("X-Request-Id", "trace-12345678")
                .GET());
        assertEquals("trace-12345678", echoed.header("X-Request-Id"));
    }

    @Test
    void readinessReportsTheDatabaseAndMigrations() {
        Api.Res r = api.get("/health/ready", null);
        assertEquals(200, r.status(), r.toString());
        assertEquals("UP", r.json().get("status").asText());
        assertTrue(r.body().contains("\"migrations\":\"applied\""), r.body());
        assertTrue(r.body().contains("\"database\":\"reachable\""), r.body());
    }
}
