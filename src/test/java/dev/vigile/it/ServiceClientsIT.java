package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Service accounts (issue 35): the admin API, the client credentials grant at {@code
 * /oauth2/token}, the cut-offs of a client's tokens, secret rotation, the anti-escalation rules,
 * throttling, and introspection at {@code /oauth2/introspect}.
 */
@SharedServer
class ServiceClientsIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    /** A client made for one test. */
    record Client(String id, String clientId, String secret, JsonNode body) {}

    String role(String admin, String prefix, List<String> permissions) {
        String name = Api.uniqueRole(prefix);
        Api.Res r = api.post(
                "/api/admin/roles", obj("name", name, "description", prefix, "permissions", permissions), admin);
        assertEquals(201, r.status(), r.toString());
        return name;
    }

    Client client(String admin, String... roles) {
        Api.Res r = api.post(
                "/api/admin/clients", obj("name", "batch job " + UUID.randomUUID(), "roles", List.of(roles)), admin);
        assertEquals(201, r.status(), r.toString());
        JsonNode b = r.json();
        return new Client(
                b.get("id").asText(),
                b.get("clientId").asText(),
                b.get("clientSecret").asText(),
                b);
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    Api.Res formPost(Api caller, String path, String body, String authorization) {
        HttpRequest.Builder b = caller.request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return caller.send(b);
    }

    Api.Res token(Client c) {
        return formPost(api, "/oauth2/token", "grant_type=client_credentials", basic(c.clientId(), c.secret()));
    }

    String accessToken(Client c) {
        Api.Res r = token(c);
        assertEquals(200, r.status(), r.toString());
        return r.json().get("access_token").asText();
    }

    static Set<String> groups(String token) {
        Set<String> groups = new TreeSet<>();
        Api.claims(token).get("groups").forEach(g -> groups.add(g.asText()));
        return groups;
    }

    @Test
    void aClientIsCreatedWithItsSecretShownOnceAndSignsInByEitherMethod() throws Exception {
        String admin = api.adminToken();
        String reader = role(admin, "READER", List.of("users:read"));
        Api.Res created =
                api.post("/api/admin/clients", obj("name", "  nightly export  ", "roles", List.of(reader)), admin);
        assertEquals(201, created.status(), created.toString());
        JsonNode b = created.json();
        assertEquals(
                "/api/admin/clients/" + b.get("id").asText(),
                java.net.URI.create(created.header("Location")).getPath());
        assertEquals("nightly export", b.get("name").asText());
        assertEquals("[\"" + reader + "\"]", b.get("roles").toString());
        assertEquals("[\"users:read\"]", b.get("permissions").toString());
        assertTrue(b.get("enabled").asBoolean());
        assertEquals(1, b.get("secrets").size());
        String secret = b.get("clientSecret").asText();
        assertTrue(secret.length() >= 40, secret);
        Client c = new Client(b.get("id").asText(), b.get("clientId").asText(), secret, b);

        // Never shown again, and only its hash is stored.
        Api.Res read = api.get("/api/admin/clients/" + c.id(), admin);
        assertEquals(200, read.status(), read.toString());
        assertFalse(read.body().contains(secret));
        assertNull(read.json().get("clientSecret"));
        Api.Res list = api.get("/api/admin/clients?size=100", admin);
        assertEquals(200, list.status(), list.toString());
        assertFalse(list.body().contains(secret));
        assertNotNull(list.header("X-Total-Count"));
        try (Connection db = server.db();
                PreparedStatement ps =
                        db.prepareStatement("select secret_hash from service_client_secrets where client_id = ?")) {
            ps.setObject(1, UUID.fromString(c.id()));
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertArrayEquals(
                        MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)),
                        rs.getBytes(1));
            }
        }

        Api.Res byBasic = token(c);
        assertEquals(200, byBasic.status(), byBasic.toString());
        assertEquals("no-store", byBasic.header("Cache-Control"));
        JsonNode t = byBasic.json();
        assertEquals("Bearer", t.get("token_type").asText());
        assertEquals(300, t.get("expires_in").asInt());
        assertNull(t.get("refresh_token"));
        String access = t.get("access_token").asText();
        JsonNode claims = Api.claims(access);
        assertEquals("client:" + c.clientId(), claims.get("sub").asText());
        assertEquals(c.clientId(), claims.get("client_id").asText());
        assertNull(claims.get("upn"));
        assertNull(claims.get("email"));
        assertNull(claims.get("sid"));
        assertEquals(Set.of(reader, "users:read"), groups(access));

        // Accepted where its permissions allow, refused where a person is needed.
        assertEquals(200, api.get("/api/users", access).status());
        Api.Res me = api.get("/api/users/me", access);
        assertEquals(403, me.status(), me.toString());
        assertEquals(403, api.get("/api/auth/sessions", access).status());
        assertEquals(403, api.get("/api/admin/audit", access).status());

        Api.Res byPost = formPost(
                api,
                "/oauth2/token",
                form(Map.of("grant_type", "client_credentials", "client_id", c.clientId(), "client_secret", secret)),
                null);
        assertEquals(200, byPost.status(), byPost.toString());
        assertEquals(
                200,
                api.get("/api/users", byPost.json().get("access_token").asText())
                        .status());

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> server.number(
                                "select count(*) from audit_events where action = 'client.token' and target_id = ?",
                                c.id())
                        >= 2);
        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'client.created' and target_id = ?", c.id()));
        assertNotNull(api.get("/api/admin/clients/" + c.id(), admin)
                .json()
                .get("lastUsedAt")
                .asText(null));
    }

    @Test
    void theTokenEndpointAnswersEveryBadRequestAsRfc6749Says() {
        String admin = api.adminToken();
        Client c = client(admin);
        String good = basic(c.clientId(), c.secret());

        Api.Res wrong =
                formPost(api, "/oauth2/token", "grant_type=client_credentials", basic(c.clientId(), c.secret() + "x"));
        assertEquals(401, wrong.status(), wrong.toString());
        assertEquals("invalid_client", wrong.json().get("error").asText());
        assertTrue(wrong.header("WWW-Authenticate").startsWith("Basic"), wrong.toString());
        assertEquals("no-store", wrong.header("Cache-Control"));

        Api.Res none = formPost(api, "/oauth2/token", "grant_type=client_credentials", null);
        assertEquals(401, none.status(), none.toString());
        assertEquals("invalid_client", none.json().get("error").asText());

        Api.Res unknownClient =
                formPost(api, "/oauth2/token", "grant_type=client_credentials", basic("vgc_nobody", c.secret()));
        assertEquals(401, unknownClient.status());
        assertEquals(wrong.json().get("error_description"), unknownClient.json().get("error_description"));

        Api.Res password = formPost(api, "/oauth2/token", "grant_type=password&username=a&password=b", good);
        assertEquals(400, password.status(), password.toString());
        assertEquals("unsupported_grant_type", password.json().get("error").asText());

        Api.Res noGrant = formPost(api, "/oauth2/token", "", good);
        assertEquals(400, noGrant.status(), noGrant.toString());
        assertEquals("invalid_request", noGrant.json().get("error").asText());

        Api.Res repeated =
                formPost(api, "/oauth2/token", "grant_type=client_credentials&grant_type=client_credentials", good);
        assertEquals(400, repeated.status(), repeated.toString());
        assertEquals("invalid_request", repeated.json().get("error").asText());

        Api.Res twoMethods = formPost(
                api,
                "/oauth2/token",
                form(Map.of(
                        "grant_type", "client_credentials", "client_id", c.clientId(), "client_secret", c.secret())),
                good);
        assertEquals(400, twoMethods.status(), twoMethods.toString());
        assertEquals("invalid_request", twoMethods.json().get("error").asText());

        Api.Res json = api.post("/oauth2/token", obj("grant_type", "client_credentials"), null);
        assertEquals(400, json.status(), json.toString());
        assertEquals("invalid_request", json.json().get("error").asText());

        Api.Res inQuery =
                formPost(api, "/oauth2/token?client_secret=" + c.secret(), "grant_type=client_credentials", good);
        assertEquals(400, inQuery.status(), inQuery.toString());

        for (String hostile : List.of(
                c.clientId() + "\u0000",
                "x".repeat(5000),
                c.clientId().toUpperCase(),
                "ｖｇｃ_" + c.clientId().substring(4))) {
            Api.Res r = formPost(api, "/oauth2/token", "grant_type=client_credentials", basic(hostile, c.secret()));
            assertEquals(401, r.status(), hostile.length() + " " + r);
        }
        Api.Res badBase64 = formPost(api, "/oauth2/token", "grant_type=client_credentials", "Basic %%%");
        assertEquals(401, badBase64.status(), badBase64.toString());

        Api.Res get = api.get("/oauth2/token", null);
        assertEquals(405, get.status(), get.toString());
        // After all that, the right credentials still work from this address.
        assertEquals(200, token(c).status());
    }

    @Test
    void failuresAreThrottledPerAddressWithoutLockingTheClientOutElsewhere() throws Exception {
        String admin = api.adminToken();
        Client c = client(admin);
        Api stranger = new Api();
        Api.Res last = null;
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            last = formPost(
                    stranger, "/oauth2/token", "grant_type=client_credentials", basic(c.clientId(), "vgs_guess" + i));
            if (last.status() == 429) {
                break;
            }
            assertEquals(401, last.status(), last.toString());
            refused++;
        }
        assertEquals(429, last.status(), last.toString());
        assertTrue(refused >= 1, "some failures are answered before the wait");
        int failures = refused;
        assertTrue(Long.parseLong(last.header("Retry-After")) > 0);
        assertEquals("temporarily_unavailable", last.json().get("error").asText());
        // Even the right secret waits at that address.
        assertEquals(
                429,
                formPost(stranger, "/oauth2/token", "grant_type=client_credentials", basic(c.clientId(), c.secret()))
                        .status());
        // The client's own address is not locked out by a stranger's failures.
        assertEquals(200, token(c).status());
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> server.number(
                                "select count(*) from audit_events where action = 'client.token.failed'"
                                        + " and target_id = ?",
                                c.clientId())
                        == failures);
    }

    @Test
    void disablingChangingRolesRemovingASecretOrDeletingCutsTheClientsTokensOff() throws Exception {
        String admin = api.adminToken();
        String reader = role(admin, "READER", List.of("users:read"));
        String auditor = role(admin, "AUDITOR", List.of("audit:read"));
        Client c = client(admin, reader);

        String t1 = accessToken(c);
        assertEquals(200, api.get("/api/users", t1).status());
        Api.Res disabled = api.patch("/api/admin/clients/" + c.id(), obj("enabled", false), admin);
        assertEquals(200, disabled.status(), disabled.toString());
        assertFalse(disabled.json().get("enabled").asBoolean());
        assertEquals(401, api.get("/api/users", t1).status());
        assertEquals(401, token(c).status());
        assertEquals(
                200,
                api.patch("/api/admin/clients/" + c.id(), obj("enabled", true), admin)
                        .status());
        assertEquals(401, api.get("/api/users", t1).status(), "re-enabling does not revive old tokens");
        assertEquals(200, api.get("/api/users", accessToken(c)).status(), "a new token works at once");

        String t2 = accessToken(c);
        Api.Res changed = api.patch("/api/admin/clients/" + c.id(), obj("roles", List.of(auditor)), admin);
        assertEquals(200, changed.status(), changed.toString());
        assertEquals("[\"audit:read\"]", changed.json().get("permissions").toString());
        assertEquals(401, api.get("/api/users", t2).status());
        String t3 = accessToken(c);
        assertEquals(Set.of(auditor, "audit:read"), groups(t3));
        assertEquals(403, api.get("/api/users", t3).status());
        assertEquals(200, api.get("/api/admin/audit?size=1", t3).status());

        // A change of the role's permissions reaches the client's tokens too.
        assertEquals(
                200,
                api.put(
                                "/api/admin/roles/" + auditor,
                                obj("description", "x", "permissions", List.of("audit:read", "users:read")),
                                admin)
                        .status());
        assertEquals(401, api.get("/api/admin/audit?size=1", t3).status());
        String t4 = accessToken(c);
        assertEquals(200, api.get("/api/users", t4).status());

        // A renaming does not cut off.
        assertEquals(
                200,
                api.patch("/api/admin/clients/" + c.id(), obj("name", "renamed"), admin)
                        .status());
        assertEquals(200, api.get("/api/users", t4).status());

        assertEquals(204, api.delete("/api/admin/clients/" + c.id(), admin).status());
        assertEquals(401, api.get("/api/users", t4).status());
        assertEquals(401, token(c).status());
        assertEquals(404, api.get("/api/admin/clients/" + c.id(), admin).status());
        assertEquals(
                0,
                server.number(
                        "select count(*) from service_client_secrets where client_id = ?", UUID.fromString(c.id())));
        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'client.deleted' and target_id = ?", c.id()));
    }

    @Test
    void anExpiredClientIsRefusedAndItsTokensWithIt() {
        String admin = api.adminToken();
        String reader = role(admin, "READER", List.of("users:read"));
        Api.Res past = api.post(
                "/api/admin/clients",
                obj("name", "late", "roles", List.of(reader), "expiresAt", "2020-01-01T00:00:00Z"),
                admin);
        assertEquals(400, past.status(), past.toString());
        Api.Res garbled = api.post(
                "/api/admin/clients", obj("name", "late", "roles", List.of(reader), "expiresAt", "tomorrow"), admin);
        assertEquals(400, garbled.status(), garbled.toString());
        Instant soon = Instant.now().plusSeconds(4);
        Api.Res created = api.post(
                "/api/admin/clients",
                obj("name", "short-lived", "roles", List.of(reader), "expiresAt", soon.toString()),
                admin);
        assertEquals(201, created.status(), created.toString());
        Client c = new Client(
                created.json().get("id").asText(),
                created.json().get("clientId").asText(),
                created.json().get("clientSecret").asText(),
                created.json());
        String t = accessToken(c);
        assertTrue(Api.claims(t).get("exp").asLong() <= soon.getEpochSecond(), "the token does not outlive the client");
        assertEquals(200, api.get("/api/users", t).status());
        Api.Res far = api.post(
                "/api/admin/clients",
                obj("name", "far", "roles", List.of(reader), "expiresAt", "+300000-01-01T00:00:00Z"),
                admin);
        assertEquals(400, far.status(), far.toString());
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> api.get("/api/users", t).status() == 401);
        // The token may end up to a second before the client (whole seconds): wait for the client too.
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> token(c).status() == 401);
        Api.Res after = token(c);
        assertEquals(401, after.status(), after.toString());
        assertEquals("invalid_client", after.json().get("error").asText());
    }

    @Test
    void secretsRotateTwoAtATimeAndARemovedSecretTakesItsTokensWithIt() throws Exception {
        String admin = api.adminToken();
        String reader = role(admin, "READER", List.of("users:read"));
        Client c = client(admin, reader);
        String oldToken = accessToken(c);
        Api.Res added = api.post("/api/admin/clients/" + c.id() + "/secrets", null, admin);
        assertEquals(201, added.status(), added.toString());
        Client rotated = new Client(
                c.id(), c.clientId(), added.json().get("clientSecret").asText(), c.body());
        assertEquals(200, token(c).status());
        assertEquals(200, token(rotated).status());
        Api.Res third = api.post("/api/admin/clients/" + c.id() + "/secrets", null, admin);
        assertEquals(409, third.status(), third.toString());
        JsonNode secrets = api.get("/api/admin/clients/" + c.id(), admin).json().get("secrets");
        assertEquals(2, secrets.size());
        String oldSecretId = secrets.get(0).get("id").asText();
        assertEquals(c.body().get("secrets").get(0).get("id").asText(), oldSecretId);

        assertEquals(
                204,
                api.delete("/api/admin/clients/" + c.id() + "/secrets/" + oldSecretId, admin)
                        .status());
        assertEquals(401, token(c).status());
        assertEquals(401, api.get("/api/users", oldToken).status(), "tokens bought before the removal die with it");
        assertEquals(200, api.get("/api/users", accessToken(rotated)).status());
        assertEquals(
                404,
                api.delete("/api/admin/clients/" + c.id() + "/secrets/" + oldSecretId, admin)
                        .status());
        assertEquals(
                404,
                api.delete("/api/admin/clients/" + c.id() + "/secrets/not-a-uuid", admin)
                        .status());
    }

    /**
     * A token bought with a secret while an administrator removes it must not outlive the removal:
     * the secret, the client's state and the generation are read in one statement at issuance.
     */
    @Test
    void noTokenBoughtWithARemovedSecretSurvivesItsRemoval() throws Exception {
        String admin = api.adminToken();
        String reader = role(admin, "READER", List.of("users:read"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 6; round++) {
                Client c = client(admin, reader);
                Api.Res added = api.post("/api/admin/clients/" + c.id() + "/secrets", null, admin);
                assertEquals(201, added.status(), added.toString());
                String firstSecretId = c.body().get("secrets").get(0).get("id").asText();
                java.util.concurrent.atomic.AtomicBoolean removed = new java.util.concurrent.atomic.AtomicBoolean();
                List<Callable<List<String>>> buyers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    buyers.add(() -> {
                        List<String> bought = new ArrayList<>();
                        Api own = new Api();
                        for (int n = 0; n < 40 && !removed.get(); n++) {
                            Api.Res r = formPost(
                                    own,
                                    "/oauth2/token",
                                    "grant_type=client_credentials",
                                    basic(c.clientId(), c.secret()));
                            if (r.status() == 200) {
                                bought.add(r.json().get("access_token").asText());
                            }
                        }
                        return bought;
                    });
                }
                List<Future<List<String>>> running = new ArrayList<>();
                buyers.forEach(b -> running.add(pool.submit(b)));
                assertEquals(
                        204,
                        api.delete("/api/admin/clients/" + c.id() + "/secrets/" + firstSecretId, admin)
                                .status());
                removed.set(true);
                for (Future<List<String>> f : running) {
                    for (String token : f.get()) {
                        assertEquals(
                                401, api.get("/api/users", token).status(), "a token bought with the removed secret");
                    }
                }
                assertEquals(401, token(c).status());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBusyClientsParallelSuccessesAreNeverThrottled() throws Exception {
        String admin = api.adminToken();
        Client c = client(admin);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                calls.add(() -> token(c).status());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertEquals(24, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void formsAreReadWithinTheBodyLimitAndAServiceAccountNeverManagesItself() {
        String admin = api.adminToken();
        Client c = client(admin);
        String good = basic(c.clientId(), c.secret());
        // Chunked (no Content-Length): still counted against the limit.
        byte[] big = ("grant_type=client_credentials&pad=" + "a".repeat(200_000)).getBytes(StandardCharsets.UTF_8);
        Api.Res chunked = api.send(api.request("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", good)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
        assertEquals(413, chunked.status(), chunked.toString());
        Api.Res badEscape = formPost(api, "/oauth2/token", "grant_type=client_credentials&x=%zz", good);
        assertEquals(400, badEscape.status(), badEscape.toString());
        assertEquals("invalid_request", badEscape.json().get("error").asText());
        Api.Res bogusCharset = api.send(api.request("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded; charset=bogus")
                .header("Authorization", good)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertEquals(200, bogusCharset.status(), bogusCharset.toString());

        String manager = role(admin, "CLIENT_ADMIN", List.of("clients:read", "clients:write"));
        Client self = client(admin, manager);
        String token = accessToken(self);
        assertEquals(
                403,
                api.post("/api/admin/clients/" + self.id() + "/secrets", null, token)
                        .status());
        assertEquals(
                403,
                api.patch("/api/admin/clients/" + self.id(), obj("enabled", false), token)
                        .status());
        assertEquals(403, api.delete("/api/admin/clients/" + self.id(), token).status());
        assertEquals(
                1,
                api.get("/api/admin/clients/" + self.id(), token)
                        .json()
                        .get("secrets")
                        .size());
    }

    @Test
    void twoConcurrentRotationsNeverLeaveThreeSecrets() throws Exception {
        String admin = api.adminToken();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 8; round++) {
                Client c = client(admin);
                List<Callable<Integer>> adds = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    adds.add(() -> api.post("/api/admin/clients/" + c.id() + "/secrets", null, admin)
                            .status());
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : pool.invokeAll(adds)) {
                    statuses.add(f.get());
                }
                assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
                assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
                assertEquals(
                        2,
                        server.number(
                                "select count(*) from service_client_secrets where client_id = ?",
                                UUID.fromString(c.id())));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nobodyGivesAClientAPermissionTheyLackNorActsOnAClientHoldingOne() throws Exception {
        String admin = api.adminToken();
        String clientAdmin = role(admin, "CLIENT_ADMIN", List.of("clients:read", "clients:write", "users:read"));
        String reader = role(admin, "READER", List.of("users:read"));
        String auditor = role(admin, "AUDITOR", List.of("audit:read"));
        Api.Account manager = api.account(admin, clientAdmin);
        long before = server.number(
                "select count(*) from service_clients where created_by = ?", UUID.fromString(manager.id()));

        Api.Res escalate = api.post("/api/admin/clients", obj("name", "x", "roles", List.of(auditor)), manager.token());
        assertEquals(403, escalate.status(), escalate.toString());
        assertEquals("application/problem+json", escalate.header("Content-Type"));
        Api.Res admins = api.post("/api/admin/clients", obj("name", "x", "roles", List.of("ADMIN")), manager.token());
        assertEquals(403, admins.status(), admins.toString());
        assertEquals(
                before,
                server.number(
                        "select count(*) from service_clients where created_by = ?", UUID.fromString(manager.id())));

        Api.Res allowed =
                api.post("/api/admin/clients", obj("name", "mine", "roles", List.of(reader)), manager.token());
        assertEquals(201, allowed.status(), allowed.toString());
        String mine = allowed.json().get("id").asText();
        Api.Res raise =
                api.patch("/api/admin/clients/" + mine, obj("roles", List.of(reader, auditor)), manager.token());
        assertEquals(403, raise.status(), raise.toString());
        assertEquals(
                Set.of(reader),
                new TreeSet<>(List.of(api.get("/api/admin/clients/" + mine, admin)
                        .json()
                        .get("roles")
                        .get(0)
                        .asText())));

        // A client holding audit:read is out of the manager's reach.
        Client powerful = client(admin, auditor);
        String t = accessToken(powerful);
        assertEquals(
                403,
                api.patch("/api/admin/clients/" + powerful.id(), obj("enabled", false), manager.token())
                        .status());
        assertEquals(
                403,
                api.post("/api/admin/clients/" + powerful.id() + "/secrets", null, manager.token())
                        .status());
        assertEquals(
                403,
                api.delete("/api/admin/clients/" + powerful.id(), manager.token())
                        .status());
        assertEquals(200, api.get("/api/admin/audit?size=1", t).status(), "nothing was cut off");

        // A client with clients:write is held to the same rule.
        Client machine = client(admin, clientAdmin);
        String machineToken = accessToken(machine);
        assertEquals(
                403,
                api.post("/api/admin/clients", obj("name", "x", "roles", List.of(auditor)), machineToken)
                        .status());
        Api.Res byMachine = api.post(
                "/api/admin/clients", obj("name", "made by a machine", "roles", List.of(reader)), machineToken);
        assertEquals(201, byMachine.status(), byMachine.toString());
        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'client.created' and actor_email = ?",
                        "client:" + machine.clientId()));

        // Users without clients:read or clients:write.
        Api.Account plain = api.account(admin);
        assertEquals(403, api.get("/api/admin/clients", plain.token()).status());
        assertEquals(
                403,
                api.post("/api/admin/clients", obj("name", "x", "roles", List.of()), plain.token())
                        .status());
        assertEquals(401, api.get("/api/admin/clients", null).status());
    }

    @Test
    void badBodiesAreClearProblems() {
        String admin = api.adminToken();
        Client c = client(admin);
        for (JsonNode body : List.of(
                obj("name", "", "roles", List.of()),
                obj("name", "x".repeat(101), "roles", List.of()),
                obj("name", "a\u0000b", "roles", List.of()),
                obj("name", "ok", "roles", List.of("NO_SUCH_ROLE")),
                obj("name", "ok"),
                obj("name", "ok", "roles", List.of(), "clientSecret", "mine"))) {
            Api.Res r = api.post("/api/admin/clients", body, admin);
            assertEquals(400, r.status(), body + " " + r);
            assertEquals("application/problem+json", r.header("Content-Type"));
        }
        for (JsonNode body :
                List.of(obj("clientId", "x"), obj("enabled", "yes"), obj("roles", "ADMIN"), obj("name", " "))) {
            Api.Res r = api.patch("/api/admin/clients/" + c.id(), body, admin);
            assertEquals(400, r.status(), body + " " + r);
        }
        assertEquals(
                404, api.get("/api/admin/clients/" + UUID.randomUUID(), admin).status());
        assertEquals(404, api.get("/api/admin/clients/nope", admin).status());
        assertEquals(400, api.get("/api/admin/clients?sort=secret", admin).status());
    }

    @Test
    void introspectionTellsWhatVigileWouldRefuse() throws Exception {
        String admin = api.adminToken();
        String introspector = role(admin, "INTROSPECTOR", List.of("tokens:introspect"));
        String reader = role(admin, "READER", List.of("users:read"));
        Client rs = client(admin, introspector);
        String rsBasic = basic(rs.clientId(), rs.secret());
        String rsBearer = "Bearer " + accessToken(rs);

        Api.Account user = api.account(admin, reader);
        Api.Res active = formPost(api, "/oauth2/introspect", "token=" + user.token(), rsBasic);
        assertEquals(200, active.status(), active.toString());
        assertEquals("no-store", active.header("Cache-Control"));
        JsonNode a = active.json();
        assertTrue(a.get("active").asBoolean());
        JsonNode claims = Api.claims(user.token());
        assertEquals(user.id(), a.get("sub").asText());
        assertEquals(user.email(), a.get("username").asText());
        assertEquals(claims.get("iss").asText(), a.get("iss").asText());
        assertEquals(claims.get("exp").asLong(), a.get("exp").asLong());
        assertEquals(claims.get("iat").asLong(), a.get("iat").asLong());
        assertEquals(claims.get("sid").asText(), a.get("sid").asText());
        assertEquals("vigile", a.get("aud").asText());
        assertEquals("[\"pwd\"]", a.get("amr").toString());
        assertEquals("Bearer", a.get("token_type").asText());
        assertTrue(a.get("groups").toString().contains("users:read"), a.toString());
        assertNull(a.get("client_id"));

        // By bearer token too, and a client's token shows its client_id.
        Client other = client(admin, reader);
        Api.Res ofClient = formPost(api, "/oauth2/introspect", "token=" + accessToken(other), rsBearer);
        assertEquals(200, ofClient.status(), ofClient.toString());
        assertEquals(other.clientId(), ofClient.json().get("client_id").asText());
        assertEquals("client:" + other.clientId(), ofClient.json().get("sub").asText());

        // Refused by Vigile, inactive here.
        for (String bad : List.of("not.a.jwt", "eyJhbGciOiJub25lIn0.e30.", user.token() + "x", "")) {
            Api.Res r = formPost(
                    api, "/oauth2/introspect", "token=" + URLEncoder.encode(bad, StandardCharsets.UTF_8), rsBasic);
            if (bad.isEmpty()) {
                assertEquals(400, r.status(), r.toString());
            } else {
                assertEquals(200, r.status(), r.toString());
                assertEquals("{\"active\":false}", r.body());
            }
        }
        Api.Account demoted = api.account(admin, reader);
        assertEquals(
                200,
                api.put("/api/admin/users/" + demoted.id() + "/roles", obj("roles", List.of()), admin)
                        .status());
        assertInactive(demoted.token(), rsBasic);
        Api.Account disabled = api.account(admin);
        assertEquals(
                200,
                api.patch("/api/users/" + disabled.id(), obj("enabled", false), admin)
                        .status());
        assertInactive(disabled.token(), rsBasic);
        assertEquals(204, api.post("/api/auth/logout-all", null, user.token()).status());
        assertInactive(user.token(), rsBasic);
        String otherToken = accessToken(other);
        assertEquals(
                200,
                api.patch("/api/admin/clients/" + other.id(), obj("enabled", false), admin)
                        .status());
        assertInactive(otherToken, rsBearer);

        // Who may ask.
        String token = api.account(admin).token();
        Api.Res anonymous = formPost(api, "/oauth2/introspect", "token=" + token, null);
        assertEquals(401, anonymous.status(), anonymous.toString());
        assertNotNull(anonymous.header("WWW-Authenticate"));
        assertEquals(
                401,
                formPost(api, "/oauth2/introspect", "token=" + token, basic(rs.clientId(), "wrong"))
                        .status());
        Client withoutPermission = client(admin, reader);
        assertEquals(
                403,
                formPost(
                                api,
                                "/oauth2/introspect",
                                "token=" + token,
                                basic(withoutPermission.clientId(), withoutPermission.secret()))
                        .status());
        assertEquals(
                403,
                formPost(api, "/oauth2/introspect", "token=" + token, "Bearer " + accessToken(withoutPermission))
                        .status());
        Api.Res asAdmin = formPost(api, "/oauth2/introspect", "token=" + token, "Bearer " + admin);
        assertEquals(403, asAdmin.status(), "introspection is for services, not people: " + asAdmin);
        // A cut-off introspector is refused.
        assertEquals(
                200,
                api.patch("/api/admin/clients/" + rs.id(), obj("roles", List.of(reader)), admin)
                        .status());
        assertEquals(
                401,
                formPost(api, "/oauth2/introspect", "token=" + token, rsBearer).status());
        assertEquals(
                403,
                formPost(api, "/oauth2/introspect", "token=" + token, rsBasic).status());
    }

    void assertInactive(String token, String authorization) {
        Api.Res r = formPost(api, "/oauth2/introspect", "token=" + token, authorization);
        assertEquals(200, r.status(), r.toString());
        assertEquals("{\"active\":false}", r.body());
    }
}
