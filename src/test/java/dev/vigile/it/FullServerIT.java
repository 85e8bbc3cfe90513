package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WAR on the full Payara Server (issue 33, hole 9). There, the first cluster event was
 * delivered on a thread without the application's naming context, so the beans it created first
 * had null {@code @Resource} fields: every cut-off and notification after failed ("Could not
 * handle a cluster event"), no live notification reached a WebSocket client, and health said UP.
 * Each run creates a domain of its own, on free ports, with the build's WAR deployed.
 */
class FullServerIT {
    static Path asadmin;
    static Path domains;
    static String domain;
    static int http;
    static TestServer.Database db;
    static Api api;

    @BeforeAll
    static void startServer() throws Exception {
        String home = System.getProperty("vigile.payara.server");
        Assumptions.assumeTrue(
                home != null && Files.isExecutable(Path.of(home, "bin", "asadmin")),
                "the full Payara Server is unpacked by the build (pre-integration-test); not found at " + home);
        asadmin = Path.of(home, "bin", "asadmin");
        domains = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "payara-domains-");
        domain = "vigile-it";
        // A port base whose ports (admin +48, HTTP +80, HTTPS +81, IIOP +37, JMS +76, JMX +86, …) are
        // free: create-domain checks them and refuses otherwise; another base is tried then.
        int base = 0;
        for (int attempt = 0; attempt < 10 && base == 0; attempt++) {
            int candidate = 100 * ThreadLocalRandom.current().nextInt(200, 550);
            if (run(
                            Map.of(),
                            "create-domain",
                            "--nopassword",
                            "--domaindir",
                            domains.toString(),
                            "--portbase",
                            Integer.toString(candidate),
                            domain)
                    == 0) {
                base = candidate;
            }
        }
        assertTrue(base > 0, "no free port base for a domain");
        // C1 only, as for every server a test starts for itself (VigileUnderTest.QUICK_START_JVM),
        // written into the new domain's server-config (its first java-config) before it starts.
        Path domainXml = domains.resolve(domain).resolve("config").resolve("domain.xml");
        String xml = Files.readString(domainXml);
        int config = xml.indexOf("<config name=\"server-config\"");
        int end = xml.indexOf("</config>", config);
        String server = "<jvm-options>-server</jvm-options>";
        int at = xml.indexOf(server, config);
        assertTrue(config >= 0 && at > config && at < end, "server-config's JVM options in " + domainXml);
        at += server.length();
        Files.writeString(
                domainXml,
                xml.substring(0, at) + "<jvm-options>-XX:TieredStopAtLevel=1</jvm-options>" + xml.substring(at));
        http = base + 80;
        db = TestServer.newDatabase("vigile_full");
        Map<String, String> env = TestServer.testEnvironment(db);
        assertEquals(0, run(env, "start-domain", "--domaindir", domains.toString(), domain), "the domain started");
        int admin = base + 48;
        assertEquals(
                0,
                run(
                        env,
                        "--port",
                        Integer.toString(admin),
                        "deploy",
                        "--contextroot",
                        "/",
                        "--name",
                        "vigile",
                        Path.of(System.getProperty("vigile.war"))
                                .toAbsolutePath()
                                .toString()),
                "the WAR deployed");
        api = new Api("http://127.0.0.1:" + http);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (domains != null) {
            run(Map.of(), "stop-domain", "--domaindir", domains.toString(), "--kill", domain);
        }
        if (db != null) {
            db.cleanup().close();
        }
    }

    /** Runs asadmin with these variables added to the environment; its exit status. */
    static int run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(asadmin.toString(), "--interactive=false"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        Path.of("target", "it-full-server-asadmin.log").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Test
    void cutOffsAndNotificationsReachWebSocketClientsAndHealthSaysHowDeliveryGoes() throws Exception {
        String base = "http://127.0.0.1:" + http;
        String admin = api.adminToken();
        Api.Account a = api.account(admin);
        Api.Account b = api.account(admin);
        WsClient wa = WsClient.connect(base, a.token()).ok();
        WsClient wb = WsClient.connect(base, b.token()).ok();
        assertEquals("welcome", wa.next().get("type").asText());
        assertEquals("welcome", wb.next().get("type").asText());

        Api.Res sent = api.post(
                "/api/admin/notifications",
                obj("audience", obj("type", "user", "value", b.id()), "title", "on the full server", "body", "hello"),
                admin);
        assertEquals(202, sent.status(), sent.toString());
        assertEquals(
                "on the full server",
                wb.nextOfType("notification", Duration.ofSeconds(30))
                        .get("title")
                        .asText());

        assertEquals(204, api.post("/api/auth/logout-all", null, a.token()).status());
        assertEquals(4011, wa.awaitClose(Duration.ofSeconds(60)), "the cut-off closed the live connection");
        assertEquals(401, api.get("/api/users/me", a.token()).status());

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> api.readinessCheck("vigile-cluster")
                                .get("data")
                                .get("eventsDelivered")
                                .asLong()
                        >= 2);
        JsonNode cluster = api.readinessCheck("vigile-cluster");
        assertEquals("UP", cluster.get("status").asText(), cluster.toString());
        assertEquals("ok", cluster.get("data").get("delivery").asText(), cluster.toString());
        assertEquals(0, cluster.get("data").get("eventsFailed").asLong(), cluster.toString());
        String log = Files.readString(domains.resolve(domain).resolve("logs").resolve("server.log"));
        assertFalse(log.contains("Could not handle a cluster event"), "a cluster event failed; see " + domains);
        wb.close();
    }

    /**
     * The smoke set of issue 35 on the full server, deployed by {@code asadmin} with none of
     * Vigile's boot commands: register, sign in, refresh, a WebSocket, an admin route (and its
     * refusal to a user), and MFA turned off by the body-free form, which a stock server accepts.
     */
    @Test
    void theSmokeSetPassesOnTheFullServer() {
        smokeSet(api, "http://127.0.0.1:" + http);
    }

    /** The smoke set against the Vigile at {@code base} ({@code api} calls the same). */
    static void smokeSet(Api api, String base) {
        String email = Api.uniqueEmail();
        String password = "a full-server passphrase " + UUID.randomUUID();
        Api.Res registered = api.register(email, password);
        assertEquals(201, registered.status(), registered.toString());
        Api.Res login = api.login(email, password);
        assertEquals(200, login.status(), login.toString());
        String token;
        String refreshToken = login.json().get("refresh_token").asText();
        Api.Res refreshed = api.refresh(refreshToken);
        assertEquals(200, refreshed.status(), refreshed.toString());
        assertNotEquals(refreshToken, refreshed.json().get("refresh_token").asText(), "rotated");
        token = refreshed.json().get("access_token").asText();

        WsClient ws = WsClient.connect(base, token).ok();
        assertEquals("welcome", ws.next().get("type").asText());
        ws.close();

        String admin = api.adminToken();
        Api.Res users = api.get("/api/users?size=5", admin);
        assertEquals(200, users.status(), users.toString());
        assertTrue(users.json().get("items").size() > 0);
        assertEquals(403, api.get("/api/users?size=5", token).status(), "a user is refused the admin route");

        Api.Res started = api.post("/api/users/me/mfa/totp", obj("currentPassword", password), token);
        assertEquals(200, started.status(), started.toString());
        String secret = started.json().get("secret").asText();
        long step = MfaIT.previousStep();
        Api.Res confirmed = api.post("/api/users/me/mfa/totp/confirm", obj("code", MfaIT.code(secret, step)), token);
        assertEquals(200, confirmed.status(), confirmed.toString());
        assertEquals(202, api.login(email, password).status(), "MFA on: the sign-in asks for a code");
        Api.Res off = api.post(
                "/api/users/me/mfa/disable",
                obj("currentPassword", password, "code", MfaIT.code(secret, step + 1)),
                token);
        assertEquals(204, off.status(), off.toString());
        assertEquals(200, api.login(email, password).status(), "MFA off: one step again");

        // A replay of the rotated refresh token revokes its session: its tokens are refused.
        assertEquals(401, api.refresh(refreshToken).status(), "the rotated token is spent");
        assertEquals(401, api.get("/api/users/me", token).status(), "the replay cut the session off");
    }
}
