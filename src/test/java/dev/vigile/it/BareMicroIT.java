package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.launcher.PayaraProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WAR on a bare Payara Micro (issue 35, part 6): {@code java -jar payara-micro.jar --deploy
 * vigile.war}, with none of Vigile's boot command files, JVM options or logging settings, and
 * settings from the environment only, as the README's "On your own Payara" invites. The WAR names
 * its own context root ({@code /}, in {@code glassfish-web.xml}). Only {@code --port} and {@code
 * --nocluster} are added, so that the run neither collides with other tests nor joins their grid.
 */
class BareMicroIT {
    static Process payara;
    static TestServer.Database db;
    static String base;
    static Api api;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        PayaraProcess.Layout layout = PayaraProcess.Layout.fromSystemProperties();
        db = TestServer.newDatabase("vigile_bare");
        int port = TestServer.freePort();
        base = "http://127.0.0.1:" + port;
        log = Path.of("target", "it-bare-micro-" + port + ".log").toAbsolutePath();
        Path war = Files.copy(
                layout.war(),
                Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bare-")
                        .resolve("vigile.war"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                layout.payaraJar().toAbsolutePath().toString(),
                "--deploy",
                war.toString(),
                "--port",
                Integer.toString(port),
                "--nocluster"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = TestServer.testEnvironment(db);
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        payara = pb.start();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Awaitility.await("Vigile on a bare Payara Micro (log: " + log + ")")
                .atMost(VigileUnderTest.BOOT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertTrue(payara.isAlive(), "Payara Micro exited; see " + log);
                    try {
                        return http.send(
                                                HttpRequest.newBuilder(URI.create(base + "/.well-known/jwks.json"))
                                                        .timeout(Duration.ofSeconds(5))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
        api = new Api(base);
    }

    @AfterAll
    static void stop() throws Exception {
        if (payara != null) {
            payara.destroy();
            if (!payara.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                payara.destroyForcibly().waitFor();
            }
        }
        if (db != null) {
            db.cleanup().close();
        }
    }

    @Test
    void theSmokeSetPassesOnABarePayaraMicro() {
        FullServerIT.smokeSet(api, base);
    }

    @Test
    void discoveryNamesTheServersOwnUrlsWithoutAPublicUrl() {
        Api.Res metadata = api.get("/.well-known/oauth-authorization-server", null);
        assertEquals(200, metadata.status(), metadata.toString());
        assertEquals(
                base + "/oauth2/token", metadata.json().get("token_endpoint").asText(), metadata.toString());
        assertEquals(
                base + "/.well-known/jwks.json", metadata.json().get("jwks_uri").asText());
        // "Cached publicly for a short time" (API.md), keyed by the Host its URLs came from.
        assertEquals("public, max-age=300", metadata.header("Cache-Control"), metadata.toString());
        assertEquals("Host, X-Forwarded-Proto", metadata.header("Vary"), metadata.toString());
        Api.Res signals = api.get("/.well-known/ssf-configuration", null);
        assertEquals("public, max-age=300", signals.header("Cache-Control"), signals.toString());
        assertEquals("Host, X-Forwarded-Proto", signals.header("Vary"), signals.toString());
        assertEquals(200, api.get("/api/users/me", api.adminToken()).status());
    }
}
