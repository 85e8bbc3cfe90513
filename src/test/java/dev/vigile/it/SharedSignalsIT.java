package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The shared-signals transmitter (issue 35, part 4): metadata, stream management by service
 * accounts, the events each change writes in its own transaction, poll with acknowledgement
 * (RFC 8936), push with retries (RFC 8935), verification, subjects, and who may do what.
 */
@SharedServer
class SharedSignalsIT {
    static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
    static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";
    static final List<String> ALL = List.of(
            CAEP + "session-revoked",
            CAEP + "credential-change",
            CAEP + "token-claims-change",
            RISC + "account-disabled",
            RISC + "account-enabled",
            RISC + "account-purged");

    final Api api = new Api();
    final TestServer server = TestServer.get();

    /** A service account holding these permissions: clientId, its token. */
    record Receiver(String id, String clientId, String token) {}

    Receiver receiver(String admin, List<String> permissions) {
        String role = Api.uniqueRole("SSF");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", role, "permissions", permissions), admin)
                        .status());
        Api.Res c = api.post("/api/admin/clients", obj("name", "receiver", "roles", List.of(role)), admin);
        assertEquals(201, c.status(), c.toString());
        String clientId = c.json().get("clientId").asText();
        String secret = c.json().get("clientSecret").asText();
        Api.Res t = api.send(api.request("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertEquals(200, t.status(), t.toString());
        return new Receiver(
                c.json().get("id").asText(),
                clientId,
                t.json().get("access_token").asText());
    }

    /** The push streams this test made, deleted when it ends: later tests' events must not wait for a receiver gone. */
    final List<Receiver> pushers = new CopyOnWriteArrayList<>();

    Api.Res createStream(Receiver r, ObjectNode body) {
        if (body.path("delivery").path("method").asText().equals("urn:ietf:rfc:8935")) {
            pushers.add(r);
        }
        return api.post("/ssf/streams", body, r.token());
    }

    void dropStreams() {
        for (Receiver r : pushers) {
            api.call("DELETE", "/ssf/streams", null, r.token());
        }
    }

    static ObjectNode pollStream(List<String> events) {
        return obj("delivery", obj("method", "urn:ietf:rfc:8936"), "events_requested", events, "description", "test");
    }

    DefaultJWTProcessor<SecurityContext> verifier(String audience) throws Exception {
        DefaultJWTProcessor<SecurityContext> p = new DefaultJWTProcessor<>();
        p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("secevent+jwt")));
        p.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256,
                JWKSourceBuilder.create(
                                URI.create(server.url("/.well-known/jwks.json")).toURL())
                        .<SecurityContext>build()));
        p.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                audience,
                new JWTClaimsSet.Builder().issuer("vigile").build(),
                Set.of("jti", "iat", "events", "sub_id")));
        return p;
    }

    /** Polls (acknowledging everything seen) until an event matching the test comes; returns its claims. */
    JWTClaimsSet awaitEvent(Receiver r, String type, String userId, String sessionId) throws Exception {
        DefaultJWTProcessor<SecurityContext> verify = verifier(r.clientId());
        List<JWTClaimsSet> found = new ArrayList<>();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    for (JWTClaimsSet set : pollAll(r, verify)) {
                        if (matches(set, type, userId, sessionId)) {
                            found.add(set);
                        }
                    }
                    return !found.isEmpty();
                });
        return found.get(0);
    }

    /** One poll that acknowledges what it got, verified. */
    List<JWTClaimsSet> pollAll(Receiver r, DefaultJWTProcessor<SecurityContext> verify) throws Exception {
        Api.Res polled = api.post("/ssf/poll", obj("maxEvents", 100, "returnImmediately", true), r.token());
        assertEquals(200, polled.status(), polled.toString());
        assertEquals("no-store", polled.header("Cache-Control"));
        List<JWTClaimsSet> sets = new ArrayList<>();
        List<String> jtis = new ArrayList<>();
        var it = polled.json().get("sets").fields();
        while (it.hasNext()) {
            var e = it.next();
            JWTClaimsSet set = verify.process(e.getValue().asText(), null);
            assertEquals(e.getKey(), set.getJWTID());
            sets.add(set);
            jtis.add(e.getKey());
        }
        if (!jtis.isEmpty()) {
            assertEquals(
                    200,
                    api.post("/ssf/poll", obj("maxEvents", 0, "ack", jtis), r.token())
                            .status());
        }
        return sets;
    }

    static boolean matches(JWTClaimsSet set, String type, String userId, String sessionId) throws Exception {
        Map<String, Object> events = set.getJSONObjectClaim("events");
        if (!events.containsKey(type)) {
            return false;
        }
        Map<String, Object> subject = set.getJSONObjectClaim("sub_id");
        @SuppressWarnings("unchecked")
        Map<String, Object> user =
                "complex".equals(subject.get("format")) ? (Map<String, Object>) subject.get("user") : subject;
        if (userId != null && (user == null || !userId.equals(user.get("sub")))) {
            return false;
        }
        if (sessionId != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> session = (Map<String, Object>) subject.get("session");
            return session != null && sessionId.equals(session.get("id"));
        }
        return true;
    }

    @Test
    void theMetadataNamesTheTransmittersEndpoints() {
        Api.Res r = api.get("/.well-known/ssf-configuration", null);
        assertEquals(200, r.status(), r.toString());
        JsonNode m = r.json();
        assertEquals("vigile", m.get("issuer").asText());
        assertTrue(m.get("jwks_uri").asText().endsWith("/.well-known/jwks.json"));
        assertEquals(
                "[\"urn:ietf:rfc:8935\",\"urn:ietf:rfc:8936\"]",
                m.get("delivery_methods_supported").toString());
        for (String endpoint : List.of(
                "configuration_endpoint",
                "status_endpoint",
                "verification_endpoint",
                "add_subject_endpoint",
                "remove_subject_endpoint")) {
            assertTrue(m.get(endpoint).asText().startsWith("http://"), endpoint + " " + m);
        }
        assertEquals(
                "urn:ietf:rfc:6749",
                m.get("authorization_schemes").get(0).get("spec_urn").asText());
    }

    @Test
    void onlyServiceAccountsHoldingTheRightManageStreams() {
        String admin = api.adminToken();
        Api.Res anonymous = api.get("/ssf/streams", null);
        assertEquals(401, anonymous.status(), anonymous.toString());
        assertNotNull(anonymous.header("WWW-Authenticate"));
        assertProblem(anonymous, 401);
        assertEquals(401, api.get("/ssf/streams", "not.a.token").status());
        Api.Res person = api.get("/ssf/streams", admin);
        assertEquals(403, person.status(), "a person, even an admin, has no stream");
        assertProblem(person, 403);
        Receiver without = receiver(admin, List.of("users:read"));
        assertEquals(
                403, api.post("/ssf/streams", pollStream(ALL), without.token()).status());
        assertEquals(403, api.post("/ssf/poll", obj(), without.token()).status());
        Api.Res nothing = api.get("/ssf/nothing", without.token());
        assertEquals(404, nothing.status());
        assertProblem(nothing, 404);
        assertProblem(api.call("PUT", "/ssf/poll", obj(), without.token()), 405);
    }

    @Test
    void aStreamIsCreatedReadChangedPausedAndDeletedByItsOwnerOnly() {
        String admin = api.adminToken();
        Receiver r = receiver(admin, List.of("ssf:streams"));
        Api.Res created = createStream(r, pollStream(List.of(CAEP + "session-revoked", "https://example.com/unknown")));
        assertEquals(201, created.status(), created.toString());
        JsonNode s = created.json();
        String id = s.get("stream_id").asText();
        assertEquals("vigile", s.get("iss").asText());
        assertEquals(r.clientId(), s.get("aud").asText());
        assertEquals("urn:ietf:rfc:8936", s.get("delivery").get("method").asText());
        assertTrue(s.get("delivery").get("endpoint_url").asText().endsWith("/ssf/poll"));
        assertEquals(
                "[\"" + CAEP + "session-revoked\"]", s.get("events_requested").toString(), "unknown types dropped");
        assertEquals(6, s.get("events_supported").size());
        assertEquals(409, createStream(r, pollStream(ALL)).status(), "one stream per service account");

        assertEquals(1, api.get("/ssf/streams", r.token()).json().size());
        assertEquals(
                id,
                api.get("/ssf/streams?stream_id=" + id, r.token())
                        .json()
                        .get("stream_id")
                        .asText());
        Receiver stranger = receiver(admin, List.of("ssf:streams"));
        assertEquals(
                404, api.get("/ssf/streams?stream_id=" + id, stranger.token()).status());
        assertEquals(
                404,
                api.call("DELETE", "/ssf/streams?stream_id=" + id, null, stranger.token())
                        .status());
        assertEquals(0, api.get("/ssf/streams", stranger.token()).json().size());

        Api.Res changed = api.patch("/ssf/streams", obj("stream_id", id, "events_requested", ALL), r.token());
        assertEquals(200, changed.status(), changed.toString());
        assertEquals(6, changed.json().get("events_requested").size());
        assertEquals(
                "enabled",
                api.get("/ssf/status?stream_id=" + id, r.token())
                        .json()
                        .get("status")
                        .asText());
        Api.Res paused = api.post("/ssf/status", obj("stream_id", id, "status", "paused"), r.token());
        assertEquals(200, paused.status(), paused.toString());
        assertEquals("paused", paused.json().get("status").asText());
        assertEquals(
                400,
                api.post("/ssf/status", obj("stream_id", id, "status", "gone"), r.token())
                        .status());
        for (ObjectNode bad : List.of(
                obj("delivery", "poll"),
                obj("delivery", obj("method", "urn:example:carrier-pigeon")),
                obj("delivery", obj("method", "urn:ietf:rfc:8935", "endpoint_url", "file:///etc/passwd")),
                obj("events_requested", "all"),
                obj("description", "x".repeat(300)))) {
            Api.Res r2 = api.patch("/ssf/streams", bad.put("stream_id", id), r.token());
            assertEquals(400, r2.status(), bad + " " + r2);
        }
        Api.Res notJson = api.send(api.request("/ssf/streams")
                .header("Authorization", "Bearer " + r.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));
        assertEquals(400, notJson.status(), notJson.toString());
        assertProblem(notJson, 400);
        Api.Res form = api.send(api.request("/ssf/streams")
                .header("Authorization", "Bearer " + r.token())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("delivery=poll")));
        assertProblem(form, 415);
        assertEquals(
                204,
                api.call("DELETE", "/ssf/streams?stream_id=" + id, null, r.token())
                        .status());
        assertEquals(0, api.get("/ssf/streams", r.token()).json().size());
    }

    @Test
    void eachChangeBecomesASignedEventThatStaysUntilAcknowledged() throws Exception {
        String admin = api.adminToken();
        Receiver r = receiver(admin, List.of("ssf:streams"));
        assertEquals(201, createStream(r, pollStream(ALL)).status());
        String reader = Api.uniqueRole("READER");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", reader, "permissions", List.of("users:read")), admin)
                        .status());

        // logout-all: session-revoked, about the session, with the user inside.
        Api.Account a = api.account(admin);
        String sid = Api.claims(a.token()).get("sid").asText();
        assertEquals(204, api.post("/api/auth/logout-all", null, a.token()).status());
        JWTClaimsSet revoked = awaitEvent(r, CAEP + "session-revoked", a.id(), sid);
        assertEquals(List.of(r.clientId()), revoked.getAudience());
        @SuppressWarnings("unchecked")
        Map<String, Object> payload =
                (Map<String, Object>) revoked.getJSONObjectClaim("events").get(CAEP + "session-revoked");
        assertTrue(((Number) payload.get("event_timestamp")).longValue() > 0);

        // An event not acknowledged comes again; once acknowledged, never.
        Api.Account b = api.account(admin);
        assertEquals(
                204,
                api.post("/api/auth/logout", obj("refreshToken", b.refreshToken()), null)
                        .status());
        DefaultJWTProcessor<SecurityContext> verify = verifier(r.clientId());
        String jti = null;
        for (int i = 0; i < 200 && jti == null; i++) {
            Api.Res p = api.post("/ssf/poll", obj("maxEvents", 100, "returnImmediately", true), r.token());
            var it = p.json().get("sets").fields();
            while (it.hasNext()) {
                var e = it.next();
                if (matches(verify.process(e.getValue().asText(), null), CAEP + "session-revoked", b.id(), null)) {
                    jti = e.getKey();
                }
            }
        }
        assertNotNull(jti, "the logout's event");
        String seen = jti;
        Api.Res again = api.post("/ssf/poll", obj("maxEvents", 100, "returnImmediately", true), r.token());
        assertTrue(again.json().get("sets").has(seen), "not acknowledged: delivered again");
        assertEquals(
                200,
                api.post("/ssf/poll", obj("maxEvents", 0, "ack", List.of(seen)), r.token())
                        .status());
        assertFalse(api.post("/ssf/poll", obj("maxEvents", 100), r.token())
                .json()
                .get("sets")
                .has(seen));

        // A failed change writes nothing; a password change, a role change, a disabling, an enabling, a deletion do.
        Api.Account c = api.account(admin, reader);
        assertEquals(
                400,
                api.put(
                                "/api/users/me/password",
                                obj("currentPassword", "wrong password", "newPassword", "a brand new passphrase 2"),
                                c.token())
                        .status());
        assertEquals(
                204,
                api.put(
                                "/api/users/me/password",
                                obj("currentPassword", c.password(), "newPassword", "a brand new passphrase 2"),
                                c.token())
                        .status());
        JWTClaimsSet credential = awaitEvent(r, CAEP + "credential-change", c.id(), null);
        @SuppressWarnings("unchecked")
        Map<String, Object> change =
                (Map<String, Object>) credential.getJSONObjectClaim("events").get(CAEP + "credential-change");
        assertEquals("password", change.get("credential_type"));
        assertEquals("update", change.get("change_type"));
        assertEquals(
                0,
                server.number(
                        "select count(*) from ssf_events e join ssf_streams s on s.id = e.stream_id"
                                + " where s.audience = ? and e.claims like '%credential-change%'",
                        r.clientId()),
                "one event, acknowledged; none for the failure");

        assertEquals(
                200,
                api.put("/api/admin/users/" + c.id() + "/roles", obj("roles", List.of()), admin)
                        .status());
        awaitEvent(r, CAEP + "token-claims-change", c.id(), null);
        assertEquals(
                200,
                api.patch("/api/users/" + c.id(), obj("enabled", false), admin).status());
        awaitEvent(r, RISC + "account-disabled", c.id(), null);
        assertEquals(
                200,
                api.patch("/api/users/" + c.id(), obj("enabled", true), admin).status());
        awaitEvent(r, RISC + "account-enabled", c.id(), null);
        assertEquals(204, api.delete("/api/users/" + c.id(), admin).status());
        awaitEvent(r, RISC + "account-purged", c.id(), null);
    }

    @Test
    void verificationSubjectsAndPauseBehaveAsSsfSays() throws Exception {
        String admin = api.adminToken();
        Receiver r = receiver(admin, List.of("ssf:streams"));
        Api.Res created = createStream(r, pollStream(ALL));
        String id = created.json().get("stream_id").asText();

        assertEquals(
                204,
                api.post("/ssf/verify", obj("stream_id", id, "state", "nonce-42"), r.token())
                        .status());
        JWTClaimsSet verification =
                awaitEvent(r, "https://schemas.openid.net/secevent/ssf/event-type/verification", null, null);
        @SuppressWarnings("unchecked")
        Map<String, Object> v = (Map<String, Object>) verification
                .getJSONObjectClaim("events")
                .get("https://schemas.openid.net/secevent/ssf/event-type/verification");
        assertEquals("nonce-42", v.get("state"));
        assertEquals(
                404,
                api.post("/ssf/verify", obj("stream_id", UUID.randomUUID().toString()), r.token())
                        .status());

        // A removed subject is not heard of; added back, it is.
        Api.Account quiet = api.account(admin);
        ObjectNode subject = obj("format", "iss_sub", "iss", "vigile", "sub", quiet.id());
        assertEquals(
                200,
                api.post("/ssf/subjects:remove", obj("stream_id", id, "subject", subject), r.token())
                        .status());
        assertEquals(204, api.post("/api/auth/logout-all", null, quiet.token()).status());
        Api.Account marker = api.account(admin);
        assertEquals(204, api.post("/api/auth/logout-all", null, marker.token()).status());
        DefaultJWTProcessor<SecurityContext> verify = verifier(r.clientId());
        List<JWTClaimsSet> seen = new CopyOnWriteArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            seen.addAll(pollAll(r, verify));
            for (JWTClaimsSet s : seen) {
                if (matches(s, CAEP + "session-revoked", marker.id(), null)) {
                    return true;
                }
            }
            return false;
        });
        for (JWTClaimsSet s : seen) {
            assertFalse(matches(s, CAEP + "session-revoked", quiet.id(), null), "a removed subject");
        }
        assertEquals(
                200,
                api.post("/ssf/subjects:add", obj("stream_id", id, "subject", subject), r.token())
                        .status());
        Api.Account again = api.login(quiet.email(), quiet.password()).status() == 200 ? quiet : null;
        assertNotNull(again);
        assertEquals(
                400,
                api.post(
                                "/ssf/subjects:add",
                                obj("stream_id", id, "subject", obj("format", "email", "email", "x@y")),
                                r.token())
                        .status());

        // Paused: events are kept, not handed out; enabled again, they come.
        assertEquals(
                200,
                api.post("/ssf/status", obj("stream_id", id, "status", "paused"), r.token())
                        .status());
        Api.Account held = api.account(admin);
        assertEquals(204, api.post("/api/auth/logout-all", null, held.token()).status());
        assertEquals(
                0,
                api.post("/ssf/poll", obj("maxEvents", 100), r.token())
                        .json()
                        .get("sets")
                        .size());
        assertEquals(
                200,
                api.post("/ssf/status", obj("stream_id", id, "status", "enabled"), r.token())
                        .status());
        awaitEvent(r, CAEP + "session-revoked", held.id(), null);
    }

    @Test
    void twoCreationsAtOnceMakeOneStream() throws Exception {
        String admin = api.adminToken();
        Receiver r = receiver(admin, List.of("ssf:streams"));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Callable<Integer>> creations = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                creations.add(() -> createStream(r, pollStream(ALL)).status());
            }
            List<Integer> statuses = new ArrayList<>();
            for (var f : pool.invokeAll(creations)) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A role's permissions changed: every holder's token carries other groups, and the receivers
     * hear it for each holder; a disabled service account's push stream receives nothing.
     */
    @Test
    void aRoleChangeReachesItsHoldersAndADisabledAccountHearsNothing() throws Exception {
        String admin = api.adminToken();
        Receiver r = receiver(admin, List.of("ssf:streams"));
        assertEquals(201, createStream(r, pollStream(ALL)).status());
        String role = Api.uniqueRole("HOLDER");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", role, "permissions", List.of("users:read")), admin)
                        .status());
        Api.Account holder = api.account(admin, role);
        assertEquals(
                200,
                api.put(
                                "/api/admin/roles/" + role,
                                obj("description", "more", "permissions", List.of("users:read", "audit:read")),
                                admin)
                        .status());
        JWTClaimsSet set = awaitEvent(r, CAEP + "token-claims-change", holder.id(), null);
        assertTrue(set.getJSONObjectClaim("events").toString().contains(role), set.toString());

        // Two push receivers; the first one's account is disabled.
        List<String> quiet = new CopyOnWriteArrayList<>();
        List<String> heard = new CopyOnWriteArrayList<>();
        HttpServer server1 = receiverServer(quiet, 202);
        HttpServer server2 = receiverServer(heard, 202);
        try {
            Receiver off = receiver(admin, List.of("ssf:streams"));
            Receiver on = receiver(admin, List.of("ssf:streams"));
            for (var pair : List.of(Map.entry(off, server1), Map.entry(on, server2))) {
                assertEquals(
                        201,
                        createStream(
                                        pair.getKey(),
                                        obj(
                                                "delivery",
                                                        obj(
                                                                "method",
                                                                "urn:ietf:rfc:8935",
                                                                "endpoint_url",
                                                                "http://127.0.0.1:"
                                                                        + pair.getValue()
                                                                                .getAddress()
                                                                                .getPort() + "/events"),
                                                "events_requested", List.of(RISC + "account-disabled")))
                                .status());
            }
            assertEquals(
                    200,
                    api.patch("/api/admin/clients/" + off.id(), obj("enabled", false), admin)
                            .status());
            Api.Account a = api.account(admin);
            assertEquals(
                    200,
                    api.patch("/api/users/" + a.id(), obj("enabled", false), admin)
                            .status());
            DefaultJWTProcessor<SecurityContext> verify = verifier(on.clientId());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (String s : heard) {
                    if (matches(verify.process(s, null), RISC + "account-disabled", a.id(), null)) {
                        return true;
                    }
                }
                return false;
            });
            assertTrue(quiet.isEmpty(), "a disabled service account is pushed nothing: " + quiet.size());
            assertTrue(
                    server.number(
                                    "select count(*) from ssf_events e join ssf_streams s on s.id = e.stream_id"
                                            + " where s.audience = ?",
                                    off.clientId())
                            >= 1,
                    "its events wait, as for a receiver away");
        } finally {
            server1.stop(0);
            server2.stop(0);
            dropStreams();
        }
    }

    /** A receiver that answers {@code status} and keeps what it takes. */
    static HttpServer receiverServer(List<String> taken, int status) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/events", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (status / 100 == 2) {
                taken.add(new String(body, StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        s.start();
        return s;
    }

    /** RFC 8935 section 2.3: a 400 says the receiver will never take that event; it must not block the next. */
    @Test
    void anEventTheReceiverRefusesIsDroppedAndTheNextGoesThrough() throws Exception {
        String admin = api.adminToken();
        Receiver r = receiver(admin, List.of("ssf:streams"));
        AtomicInteger calls = new AtomicInteger();
        List<String> taken = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/events", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = calls.incrementAndGet() == 1 ? 400 : 202;
            if (status == 202) {
                taken.add(new String(body, StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        try {
            assertEquals(
                    201,
                    createStream(
                                    r,
                                    obj(
                                            "delivery",
                                                    obj(
                                                            "method",
                                                            "urn:ietf:rfc:8935",
                                                            "endpoint_url",
                                                            "http://127.0.0.1:"
                                                                    + receiver.getAddress()
                                                                            .getPort() + "/events"),
                                            "events_requested", List.of(RISC + "account-disabled")))
                            .status());
            Api.Account first = api.account(admin);
            Api.Account second = api.account(admin);
            assertEquals(
                    200,
                    api.patch("/api/users/" + first.id(), obj("enabled", false), admin)
                            .status());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 1);
            assertEquals(
                    200,
                    api.patch("/api/users/" + second.id(), obj("enabled", false), admin)
                            .status());
            DefaultJWTProcessor<SecurityContext> verify = verifier(r.clientId());
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (String s : taken) {
                    if (matches(verify.process(s, null), RISC + "account-disabled", second.id(), null)) {
                        return true;
                    }
                }
                return false;
            });
            for (String s : taken) {
                assertFalse(
                        matches(verify.process(s, null), RISC + "account-disabled", first.id(), null),
                        "dropped, not retried");
            }
        } finally {
            receiver.stop(0);
            dropStreams();
        }
    }

    @Test
    void pushRetriesWithBackOffUntilTheReceiverTakesTheEvent() throws Exception {
        String admin = api.adminToken();
        Receiver r = receiver(admin, List.of("ssf:streams"));
        AtomicInteger attempts = new AtomicInteger();
        List<String> received = new CopyOnWriteArrayList<>();
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer receiverServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiverServer.createContext("/events", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            int status = attempts.incrementAndGet() <= 2 ? 503 : 202;
            if (status == 202) {
                received.add(new String(body, StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiverServer.start();
        try {
            String endpoint = "http://127.0.0.1:" + receiverServer.getAddress().getPort() + "/events";
            Api.Res created = createStream(
                    r,
                    obj(
                            "delivery",
                            obj(
                                    "method",
                                    "urn:ietf:rfc:8935",
                                    "endpoint_url",
                                    endpoint,
                                    "authorization_header",
                                    "Bearer receiver-secret"),
                            "events_requested",
                            List.of(RISC + "account-disabled")));
            assertEquals(201, created.status(), created.toString());
            assertEquals(
                    endpoint, created.json().get("delivery").get("endpoint_url").asText());
            Api.Account a = api.account(admin);
            assertEquals(
                    200,
                    api.patch("/api/users/" + a.id(), obj("enabled", false), admin)
                            .status());
            DefaultJWTProcessor<SecurityContext> verify = verifier(r.clientId());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        for (String set : received) {
                            if (matches(verify.process(set, null), RISC + "account-disabled", a.id(), null)) {
                                return true;
                            }
                        }
                        return false;
                    });
            assertTrue(attempts.get() >= 3, "two refusals, then taken: " + attempts.get());
            assertTrue(authorizations.stream().allMatch("Bearer receiver-secret"::equals), authorizations.toString());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> server.number(
                                    "select count(*) from ssf_events e join ssf_streams s on s.id = e.stream_id where s.audience = ?",
                                    r.clientId())
                            == 0);
        } finally {
            receiverServer.stop(0);
            dropStreams();
        }
    }

    /** Every error is problem+json (API.md), the transmitter's too: its status, type and path. */
    static void assertProblem(Api.Res r, int status) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.header("Content-Type").startsWith("application/problem+json"), r.toString());
        assertEquals(status, r.json().get("status").asInt(), r.toString());
        assertTrue(r.json().hasNonNull("type") && r.json().hasNonNull("title"), r.toString());
        assertTrue(r.json().get("instance").asText().startsWith("/ssf/"), r.toString());
    }
}
