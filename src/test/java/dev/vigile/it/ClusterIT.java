package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Vigile instances on loopback (their own HTTP and data-grid ports) sharing one PostgreSQL
 * and forming one data-grid cluster: what happens on one holds on the other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    static final Duration SHORT = Duration.ofSeconds(10);
    static TestServer.Database db;
    static VigileUnderTest a;
    static VigileUnderTest b;
    static String clusterName;
    static List<String> gridMembers;
    static String urlA;
    static String urlB;
    static Api apiA;
    static Api apiB;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        db = TestServer.newDatabase("vigile_cluster");
        int gridA = TestServer.freePort();
        int gridB = TestServer.freePort();
        List<String> members = List.of("127.0.0.1:" + gridA, "127.0.0.1:" + gridB);
        String name = "vigile-it-" + UUID.randomUUID().toString().substring(0, 8);
        clusterName = name;
        gridMembers = members;
        // Both members send mail through the suite's SMTP server, sharing one outbox; they start side
        // by side.
        a = VigileUnderTest.named("cluster-a")
                .database(db)
                .mail()
                .cluster(name, gridA, members)
                .launch();
        b = VigileUnderTest.named("cluster-b")
                .database(db)
                .mail()
                .cluster(name, gridB, members)
                .launch();
        a.awaitReady();
        b.awaitReady();
        urlA = a.base;
        urlB = b.base;
        apiA = a.api();
        apiB = b.api();
        await("the two instances formed one cluster")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> members(apiA), n -> n == 2);
    }

    @AfterAll
    static void stop() throws Exception {
        for (VigileUnderTest p : new VigileUnderTest[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
        if (db != null) {
            db.cleanup().close();
        }
    }

    /**
     * Issue 35: both members push one stream's security events; each event reaches the receiver
     * once (rows claimed with skip locked under a lease), whichever member wrote it.
     */
    @Test
    @Order(0)
    void twoMembersPushEachSecurityEventOnce() throws Exception {
        String admin = apiA.adminToken();
        String role = Api.uniqueRole("SSF");
        assertEquals(
                201,
                apiA.post("/api/admin/roles", obj("name", role, "permissions", List.of("ssf:streams")), admin)
                        .status());
        Api.Res client =
                apiA.post("/api/admin/clients", obj("name", "cluster receiver", "roles", List.of(role)), admin);
        assertEquals(201, client.status(), client.toString());
        String basic = "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((client.json().get("clientId").asText() + ":"
                                        + client.json().get("clientSecret").asText())
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Api.Res token = apiB.send(apiB.request("/oauth2/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")));
        assertEquals(200, token.status(), token.toString());
        java.util.Map<String, Integer> received = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Set<String> subjects = java.util.concurrent.ConcurrentHashMap.newKeySet();
        com.sun.net.httpserver.HttpServer receiver =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        receiver.createContext("/events", exchange -> {
            String set = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            JsonNode claims = Api.claims(set);
            received.merge(claims.get("jti").asText(), 1, Integer::sum);
            subjects.add(claims.get("sub_id").path("sub").asText());
            try {
                // A slow receiver widens the window in which another member could take the same event.
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        receiver.start();
        try {
            Api.Res stream = apiA.post(
                    "/ssf/streams",
                    obj(
                            "delivery",
                            obj(
                                    "method",
                                    "urn:ietf:rfc:8935",
                                    "endpoint_url",
                                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events"),
                            "events_requested",
                            List.of("https://schemas.openid.net/secevent/risc/event-type/account-disabled")),
                    token.json().get("access_token").asText());
            assertEquals(201, stream.status(), stream.toString());
            List<String> users = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Api.Res u = apiA.post(
                        "/api/users",
                        obj("email", Api.uniqueEmail(), "password", "a cluster push passphrase " + i),
                        admin);
                assertEquals(201, u.status(), u.toString());
                users.add(u.json().get("id").asText());
            }
            for (int i = 0; i < users.size(); i++) {
                Api api = i % 2 == 0 ? apiA : apiB;
                assertEquals(
                        200,
                        api.patch("/api/users/" + users.get(i), obj("enabled", false), admin)
                                .status());
            }
            await("every event pushed").atMost(Duration.ofSeconds(60)).until(() -> subjects.containsAll(users));
            await("the outbox emptied").atMost(Duration.ofSeconds(30)).until(() -> {
                try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.owner(), db.ownerPassword());
                        var ps = c.prepareStatement("select count(*) from ssf_events");
                        var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 0;
                }
            });
            assertEquals(30, received.size(), received.toString());
            assertTrue(received.values().stream().allMatch(n -> n == 1), "each event once: " + received);
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    @Order(0)
    void twoMembersDrainingOneOutboxSendEachMailOnce() throws Exception {
        List<String> emails = new java.util.ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Integer>> registered = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String email = Api.uniqueEmail();
                emails.add(email);
                Api api = i % 2 == 0 ? apiA : apiB;
                registered.add(pool.submit(() -> api.register(email, "a cluster mail passphrase " + UUID.randomUUID())
                        .status()));
            }
            for (var f : registered) {
                assertEquals(201, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        for (String email : emails) {
            TestMail.awaitSubject(email, "Confirm your email address");
        }
        for (String email : emails) {
            assertEquals(1, TestMail.to(email).size(), "one mail to " + email);
        }
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.owner(), db.ownerPassword());
                var ps = c.prepareStatement(
                        "select count(*) filter (where sent_at is not null and attempts = 1), count(*)"
                                + " from mail_outbox where recipient = any(?)")) {
            ps.setArray(1, c.createArrayOf("varchar", emails.toArray()));
            var rs = ps.executeQuery();
            rs.next();
            assertEquals(40, rs.getInt(2));
            assertEquals(40, rs.getInt(1), "each row sent at its first attempt, by one member");
        }
    }

    @Test
    @Order(1)
    void aNotificationRaisedThroughAReachesAClientOnB() {
        String admin = apiA.adminToken();
        Api.Account u = apiA.account(admin);
        WsClient onB = WsClient.connect(urlB, u.token()).ok();
        assertEquals("welcome", onB.next().get("type").asText());
        Api.Res sent = apiA.post(
                "/api/admin/notifications",
                obj("audience", obj("type", "user", "value", u.id()), "title", "from A", "body", "across the grid"),
                admin);
        assertEquals(202, sent.status());
        JsonNode n = onB.nextOfType("notification", SHORT);
        assertEquals("from A", n.get("title").asText());

        // A broadcast stored once through A reaches B's client; read through B, it is read on A.
        String title = "to all from A " + UUID.randomUUID();
        assertEquals(
                202,
                apiA.post(
                                "/api/admin/notifications",
                                obj("audience", obj("type", "all"), "title", title, "body", "once"),
                                admin)
                        .status());
        JsonNode all = onB.nextOfType("notification", SHORT);
        assertEquals(title, all.get("title").asText());
        long unreadOnA = apiA.get("/api/notifications/unread-count", u.token())
                .json()
                .get("count")
                .asLong();
        assertEquals(
                204,
                apiB.post("/api/notifications/" + all.get("id").asLong() + "/read", null, u.token())
                        .status());
        assertEquals(
                unreadOnA - 1,
                apiA.get("/api/notifications/unread-count", u.token())
                        .json()
                        .get("count")
                        .asLong());
        JsonNode newest = apiA.get("/api/notifications?size=1", u.token())
                .json()
                .get("items")
                .get(0);
        assertEquals(all.get("id").asLong(), newest.get("id").asLong());
        assertTrue(newest.hasNonNull("readAt"));
        onB.close();
    }

    @Test
    @Order(2)
    void aUserCutOffOnAIsRefusedOnBAtOnce() {
        String admin = apiA.adminToken();
        Api.Account u = apiA.account(admin);
        assertEquals(200, apiB.get("/api/users/me", u.token()).status(), "B knows the user (and caches it)");
        WsClient onB = WsClient.connect(urlB, u.token()).ok();
        onB.next();
        assertEquals(204, apiA.post("/api/auth/logout-all", null, u.token()).status());
        assertEquals(4011, onB.awaitClose(SHORT), "B closed the live connection");
        assertEquals(401, apiB.get("/api/users/me", u.token()).status(), "B refuses the token without waiting");
        assertEquals(401, apiB.refresh(u.refreshToken()).status());
        // Issue 33, hole 9: every event that reached a member was handled (a bean first created on a
        // grid thread once lost its @Resource fields, and every event after failed with health UP);
        // readiness says how delivery goes.
        for (Api api : List.of(apiA, apiB)) {
            JsonNode cluster = api.readinessCheck("vigile-cluster");
            assertEquals("UP", cluster.get("status").asText(), cluster.toString());
            assertEquals("ok", cluster.get("data").get("delivery").asText(), cluster.toString());
            assertEquals(0, cluster.get("data").get("eventsFailed").asLong(), cluster.toString());
            assertTrue(cluster.get("data").get("eventsDelivered").asLong() > 0, cluster.toString());
        }
    }

    /**
     * B caches what {@code /api/users/me} answers; a change committed on A reaches it through the
     * grid. The wait is bounded well below the cache's 15 s expiry, so only the event can pass it.
     */
    @Test
    @Order(2)
    void aChangeOnAShowsInBsCachedProfile() throws Exception {
        String admin = apiA.adminToken();
        Api.Account u = apiA.account(admin);
        assertEquals(
                null,
                apiB.get("/api/users/me", u.token()).json().path("displayName").asText(null));
        // A write that bypasses the application (and so announces nothing): B keeps answering from
        // its cache, which expires only after 15 s, far beyond these few milliseconds.
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.owner(), db.ownerPassword());
                var ps = c.prepareStatement("update users set display_name = 'Written behind its back' where id = ?")) {
            ps.setObject(1, UUID.fromString(u.id()));
            assertEquals(1, ps.executeUpdate());
        }
        assertEquals(
                null,
                apiB.get("/api/users/me", u.token()).json().path("displayName").asText(null),
                "B caches the profile");
        String name = "Renamed on A " + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(
                200,
                apiA.patch("/api/users/me", obj("displayName", name), u.token()).status());
        // Bounded well below the cache's 15 s expiry: only the event can pass it.
        org.awaitility.Awaitility.await("B dropped its cached profile when A's change arrived")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> apiB.get("/api/users/me", u.token())
                                .json()
                                .path("displayName")
                                .asText(null),
                        name::equals);
    }

    @Test
    @Order(3)
    void aLockoutHoldsOnEveryInstance() {
        String admin = apiA.adminToken();
        Api.Account u = apiA.account(admin);
        // 3 failures per account within 6 s in the test settings, spread over both instances.
        Api fromA = new Api(urlA);
        Api fromB = new Api(urlB);
        assertEquals(401, fromA.login(u.email(), "wrong one").status());
        assertEquals(401, fromB.login(u.email(), "wrong two").status());
        assertEquals(401, fromA.login(u.email(), "wrong three").status());
        Api.Res locked = fromB.login(u.email(), u.password());
        assertEquals(429, locked.status(), "the fourth attempt, on the other instance: " + locked);
        assertTrue(Long.parseLong(locked.header("Retry-After")) >= 1);
    }

    @Test
    @Order(4)
    void theDashboardCountsConnectionsOnEveryInstance() throws Exception {
        String admin = apiA.adminToken();
        Api.Account u = apiA.account(admin);
        WsClient onA = WsClient.connect(urlA, u.token()).ok();
        WsClient onB = WsClient.connect(urlB, u.token()).ok();
        onA.next();
        onB.next();
        await("one connection on each instance, counted on A")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> apiA.get("/api/admin/dashboard", admin)
                                .json()
                                .get("realtime")
                                .get("connections")
                                .asLong(),
                        n -> n == 2);
        onA.close();
        onB.close();
    }

    /** How many cluster messages or values this instance has refused, by its metrics. */
    static long rejected(Api api) {
        return api.metrics("?scope=application")
                .body()
                .lines()
                .filter(l -> l.startsWith("vigile_cluster_rejected_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    static int members(Api api) {
        return api.get("/api/admin/dashboard", api.adminToken())
                .json()
                .get("cluster")
                .get("members")
                .asInt();
    }

    /**
     * A third member with the right cluster name but the wrong secret joins the grid: the
     * notification and the cut-off it publishes take no effect on A, A's metric counts them, and A
     * and B keep working.
     */
    @Test
    @Order(4)
    void aMemberWithTheWrongSecretJoinsTheGridButIsNotHeard() throws Exception {
        int gridC = TestServer.freePort();
        VigileUnderTest c = VigileUnderTest.named("cluster-c")
                .database(db)
                .set("VIGILE_CLUSTER_SECRET", "not the cluster's secret " + UUID.randomUUID())
                .cluster(clusterName, gridC, List.of(gridMembers.get(0), "127.0.0.1:" + gridC))
                .start();
        try {
            Api apiC = c.api();
            await("the rogue member is in the grid")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> members(apiA), n -> n == 3);
            long before = rejected(apiA);
            String admin = apiA.adminToken();
            Api.Account listener = apiA.account(admin);
            Api.Account victim = apiA.account(admin);
            WsClient onA = WsClient.connect(urlA, listener.token()).ok();
            assertEquals("welcome", onA.next().get("type").asText());
            // Through C: a notification to the listener, and a cut-off of the victim (both also stored
            // in the shared database, which stays the source of truth).
            assertEquals(
                    202,
                    apiC.post(
                                    "/api/admin/notifications",
                                    obj(
                                            "audience",
                                            obj("type", "user", "value", listener.id()),
                                            "title",
                                            "from the rogue",
                                            "body",
                                            "forged"),
                                    apiC.adminToken())
                            .status());
            assertEquals(
                    204, apiC.post("/api/auth/logout-all", null, victim.token()).status());
            await("A refused both messages")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> rejected(apiA), n -> n >= before + 2);
            // A notification raised on A itself arrives first: the rogue's was never pushed.
            assertEquals(
                    202,
                    apiA.post(
                                    "/api/admin/notifications",
                                    obj(
                                            "audience",
                                            obj("type", "user", "value", listener.id()),
                                            "title",
                                            "from A",
                                            "body",
                                            "genuine"),
                                    admin)
                            .status());
            assertEquals(
                    "from A", onA.nextOfType("notification", SHORT).get("title").asText());
            // A and B keep working together.
            Api.Account u = apiA.account(admin);
            WsClient onB = WsClient.connect(urlB, u.token()).ok();
            onB.next();
            assertEquals(
                    202,
                    apiA.post(
                                    "/api/admin/notifications",
                                    obj(
                                            "audience",
                                            obj("type", "user", "value", u.id()),
                                            "title",
                                            "still heard",
                                            "body",
                                            "on B"),
                                    admin)
                            .status());
            assertEquals(
                    "still heard",
                    onB.nextOfType("notification", SHORT).get("title").asText());
            onA.close();
            onB.close();
        } finally {
            c.close();
        }
        await("the rogue has left").atMost(Duration.ofSeconds(90)).until(() -> members(apiA), n -> n == 2);
    }

    @Test
    @Order(5)
    void afterBIsKilledUnderLoadItsClientsResumeOnAWithNothingLost() throws Exception {
        String admin = apiA.adminToken();
        String role = Api.uniqueRole("KILL");
        assertEquals(
                201,
                apiA.post("/api/admin/roles", obj("name", role, "permissions", List.of()), admin)
                        .status());
        int n = 20;
        List<Api.Account> users = new java.util.ArrayList<>();
        List<WsClient> onB = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            Api.Account u = apiA.account(admin, role);
            users.add(u);
            WsClient c = WsClient.connect(urlB, u.token()).ok();
            c.next();
            onB.add(c);
        }
        Api.Res first = apiA.post(
                "/api/admin/notifications",
                obj("audience", obj("type", "role", "value", role), "title", "seen", "body", "1"),
                admin);
        assertEquals(n, first.json().get("recipients").asInt());
        long[] lastSeen = new long[n];
        for (int i = 0; i < n; i++) {
            lastSeen[i] = onB.get(i).nextOfType("notification", SHORT).get("id").asLong();
        }
        // Notifications keep coming while B dies.
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        Thread sender = new Thread(() -> {
            while (sending.get()) {
                Api.Res r = apiA.post(
                        "/api/admin/notifications",
                        obj(
                                "audience",
                                obj("type", "role", "value", role),
                                "title",
                                "during " + sent.get(),
                                "body",
                                "x"),
                        admin);
                if (r.status() == 202) {
                    sent.incrementAndGet();
                }
            }
        });
        sender.start();
        // Conditions, not durations: notifications are being sent when B dies, and after.
        await("notifications are being sent").atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= 1);
        b.payara.kill();
        for (WsClient c : onB) {
            c.awaitClose(SHORT);
        }
        int atDeath = sent.get();
        await("notifications are sent after B died")
                .atMost(Duration.ofSeconds(60))
                .until(() -> sent.get() >= atDeath + 2);
        sending.set(false);
        sender.join();
        assertTrue(sent.get() >= 2, "sent during the failure: " + sent.get());

        // Every client reconnects to A and resumes after the last id it saw: it gets all it missed.
        for (int i = 0; i < n; i++) {
            WsClient onA = WsClient.connect(urlA, users.get(i).token()).ok();
            onA.next();
            onA.send("{\"type\":\"resume\",\"after\":" + lastSeen[i] + "}");
            java.util.Set<String> titles = new java.util.HashSet<>();
            long last = lastSeen[i];
            while (titles.size() < sent.get()) {
                JsonNode m = onA.next(SHORT);
                if (m.get("type").asText().equals("notification")) {
                    titles.add(m.get("title").asText());
                    last = Math.max(last, m.get("id").asLong());
                } else if (m.path("code").asText().equals("resume_truncated")) {
                    // More than one resume replays: ask for the rest, as a client should.
                    onA.send("{\"type\":\"resume\",\"after\":" + last + "}");
                }
            }
            for (int k = 0; k < sent.get(); k++) {
                assertTrue(titles.contains("during " + k), "client " + i + " missed 'during " + k + "': " + titles);
            }
            onA.close();
        }
        assertTrue(
                apiA.get("/api/admin/audit/verify", admin).json().get("valid").asBoolean());
    }

    @Test
    @Order(6)
    void aGracefulShutdownTellsClientsToReconnect() throws Exception {
        String admin = apiA.adminToken();
        Api.Account u = apiA.account(admin);
        WsClient onA = WsClient.connect(urlA, u.token()).ok();
        onA.next();
        // Registrations in flight when SIGTERM arrives (each spends tens of ms hashing, one after
        // the other under the hashing limit) must finish and be stored. Sent at once, from as many
        // threads; SIGTERM goes once the first has finished, so the others are queued behind the
        // hashing limit then, however fast this machine hashes.
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(24);
        java.util.Map<String, java.util.concurrent.CompletableFuture<Api.Res>> inFlight =
                new java.util.LinkedHashMap<>();
        for (int i = 0; i < 24; i++) {
            String email = Api.uniqueEmail();
            String password = "registered during shutdown " + UUID.randomUUID();
            inFlight.put(
                    email,
                    java.util.concurrent.CompletableFuture.supplyAsync(
                            () -> new Api(urlA).register(email, password), clients));
        }
        await("a first registration finished")
                .atMost(Duration.ofSeconds(60))
                .until(() -> inFlight.values().stream().anyMatch(java.util.concurrent.CompletableFuture::isDone));
        a.payara.terminate();
        assertEquals(1012, onA.awaitClose(Duration.ofSeconds(30)), "service restart: reconnect");
        // While it drains, readiness is DOWN and a new request is refused with a 503 to retry.
        Api.Res ready = null;
        Api.Res refused = null;
        while (refused == null && inFlight.values().stream().anyMatch(f -> !f.isDone())) {
            Api.Res r = apiA.get("/health/ready", null);
            if (r.status() == 503) {
                ready = r;
                refused = apiA.get("/.well-known/jwks.json", null);
            }
        }
        assertTrue(ready != null, "readiness went DOWN while requests were in flight");
        assertTrue(ready.body().contains("\"draining\""), ready.body());
        assertEquals(503, refused.status(), refused.body());
        assertEquals("application/problem+json", refused.header("Content-Type").split(";")[0]);
        assertEquals("1", refused.header("Retry-After"));
        assertEquals(
                "https://vigile.dev/problems/service-unavailable",
                refused.json().get("type").asText());
        // Every registration accepted before SIGTERM finished with 201; none was cut or failed.
        int created = 0;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                java.sql.PreparedStatement stored = c.prepareStatement(
                        "select count(*) from users u join audit_events e on e.target_id = u.id::text"
                                + " and e.action = 'auth.register' and e.outcome = 'success' where u.email = ?")) {
            for (var e : inFlight.entrySet()) {
                Api.Res r = e.getValue().get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(r.status() == 201 || r.status() == 503, e.getKey() + ": " + r);
                stored.setString(1, e.getKey());
                try (java.sql.ResultSet rs = stored.executeQuery()) {
                    rs.next();
                    // A 201 is stored with its audit row; a 503 left nothing behind.
                    assertEquals(r.status() == 201 ? 1 : 0, rs.getInt(1), e.getKey() + " after " + r.status());
                }
                created += r.status() == 201 ? 1 : 0;
            }
        }
        assertTrue(created > 1, "registrations in flight at SIGTERM finished: " + created);
        clients.shutdown();
        a.close();
    }
}
