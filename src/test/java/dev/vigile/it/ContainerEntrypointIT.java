package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigile.launcher.PayaraProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The image's own entrypoint, boot files and health probe, run for real outside a container (no
 * Docker engine runs on CI machines): the files are laid out as the Dockerfile copies them, the
 * script starts Payara Micro as a cluster member, its {@code healthcheck} mode tells ready from
 * not ready, and SIGTERM drains and stops it.
 */
class ContainerEntrypointIT {
    private static final Duration BOOT = Duration.ofMinutes(3);

    @Test
    void theImageEntrypointStartsVigileAndStopsItGracefully() throws Exception {
        // The Dockerfile puts the WAR and payara/ under /opt/vigile and runs the script from there.
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertTrue(dockerfile.contains("/src/target/vigile.war /opt/vigile/vigile.war"), "WAR location");
        assertTrue(dockerfile.contains("payara/ /opt/vigile/payara/"), "payara/ location");
        assertTrue(dockerfile.contains("ENTRYPOINT [\"/opt/vigile/payara/docker-entrypoint.sh\"]"), "entrypoint");
        assertTrue(
                dockerfile.contains("CMD [\"/opt/vigile/payara/docker-entrypoint.sh\", \"healthcheck\"]"),
                "health check");
        assertTrue(dockerfile.contains("USER payara"), "runs as non-root");

        PayaraProcess.Layout layout = PayaraProcess.Layout.fromSystemProperties();
        Path home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "image-");
        Files.copy(layout.war(), home.resolve("vigile.war"), StandardCopyOption.REPLACE_EXISTING);
        copyTree(layout.payaraDir(), home.resolve("payara"));

        TestServer.Database db = TestServer.newDatabase("vigile_image");
        int port = TestServer.freePort();
        int gridPort = TestServer.freePort();
        Map<String, String> env = TestServer.testEnvironment(db);
        env.put("VIGILE_JAVA_MEMORY", VigileUnderTest.QUICK_START_JVM);
        env.put("VIGILE_HOME", home.toString());
        env.put("PAYARA_MICRO_JAR", layout.payaraJar().toAbsolutePath().toString());
        env.put("VIGILE_PORT", Integer.toString(port));
        env.put("VIGILE_CLUSTER_NAME", "image-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("VIGILE_CLUSTER_INTERFACE", "127.0.0.1");
        env.put("VIGILE_CLUSTER_PORT", Integer.toString(gridPort));
        Path log = Path.of("target", "it-image-" + port + ".log");
        Process server = script(env, List.of())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            assertEquals(1, healthcheck(env), "not ready before it has started");
            org.awaitility.Awaitility.await("the image's health check turns healthy; see " + log)
                    .atMost(BOOT)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        if (!server.isAlive()) {
                            throw new AssertionError("the server ended before it was healthy; see " + log);
                        }
                        return healthcheck(env) == 0;
                    });

            Api api = new Api("http://127.0.0.1:" + port);
            JsonNode cluster = api.readinessCheck("vigile-cluster");
            assertEquals("UP", cluster.get("status").asText());
            assertEquals(
                    "cluster " + env.get("VIGILE_CLUSTER_NAME"),
                    cluster.get("data").get("mode").asText());
            assertEquals("running", cluster.get("data").get("grid").asText());
            String email = Api.uniqueEmail();
            Api.Res registered = api.register(email, "an image passphrase " + UUID.randomUUID());
            assertEquals(201, registered.status(), registered.body());
            // The request line is written by the log's own thread, a moment after the response.
            org.awaitility.Awaitility.await("the request log line")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("path=/api/auth/register status=201"));

            // What `docker stop` does: SIGTERM to the entrypoint, which exec'd Java.
            server.destroy();
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "stopped within the grace period");
            assertEquals(143, server.exitValue(), "exit status of a SIGTERM stop");
            assertTrue(Files.readString(log).contains("Drained; stopping"), "drained before stopping");
            assertEquals(1, healthcheck(env), "unhealthy once stopped");
        } finally {
            if (server.isAlive()) {
                server.destroyForcibly().waitFor();
            }
            db.cleanup().close();
        }
    }

    /**
     * The flags the entrypoint derives for Kubernetes discovery, read from a stand-in {@code java}
     * that writes its arguments (no cluster runs here): the namespace and the headless service
     * become Payara Micro's {@code --clusterMode kubernetes:<namespace>,<service>}; a missing or
     * malformed name stops the script before Java starts.
     */
    @Test
    void kubernetesDiscoveryBecomesPayarasKubernetesClusterMode() throws Exception {
        Path bin = fakeJava();
        Path args = bin.resolve("args");
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "VIGILE_HOME", "/opt/vigile",
                "PAYARA_MICRO_JAR", "/opt/payara/payara-micro.jar",
                "VIGILE_KEY_ENCRYPTION_KEY", TestServer.KEY_ENCRYPTION_KEY,
                "VIGILE_AUDIT_KEY", TestServer.AUDIT_KEY,
                "VIGILE_CLUSTER_NAME", "vigile",
                "VIGILE_CLUSTER_SECRET", TestServer.CLUSTER_SECRET,
                "VIGILE_CLUSTER_INTERFACE", "10.1.2.3",
                "VIGILE_CLUSTER_DISCOVERY", "kubernetes",
                "VIGILE_CLUSTER_KUBERNETES_NAMESPACE", "vigile",
                "VIGILE_CLUSTER_KUBERNETES_SERVICE", "vigile-grid"));
        assertEquals(0, runWithJava(bin, env), "the script ran the stand-in java");
        List<String> flags = Files.readAllLines(args);
        assertEquals("kubernetes:vigile,vigile-grid", flags.get(flags.indexOf("--clusterMode") + 1));
        assertEquals("vigile", flags.get(flags.indexOf("--clusterName") + 1));
        assertEquals("10.1.2.3", flags.get(flags.indexOf("--interfaces") + 1));
        assertEquals("6900", flags.get(flags.indexOf("--startPort") + 1));
        assertTrue(flags.contains("-Dhazelcast.socket.bind.any=false"));
        assertFalse(flags.contains("--nocluster"));

        for (String[] bad : List.of(
                new String[] {"VIGILE_CLUSTER_KUBERNETES_SERVICE", ""},
                new String[] {"VIGILE_CLUSTER_KUBERNETES_NAMESPACE", "vigile,other --deploy /tmp/x.war"},
                new String[] {"VIGILE_CLUSTER_KUBERNETES_SERVICE", "Vigile_Grid"},
                new String[] {"VIGILE_CLUSTER_DISCOVERY", "multicast"})) {
            Map<String, String> wrong = new java.util.HashMap<>(env);
            wrong.put(bad[0], bad[1]);
            Files.deleteIfExists(args);
            assertEquals(2, runWithJava(bin, wrong), bad[0] + "=" + bad[1]);
            assertFalse(Files.exists(args), "Java never started for " + bad[0] + "=" + bad[1]);
        }
    }

    /**
     * Issue 33, hole 6: alone, Payara's data grid still starts; the entrypoint gives it loopback as
     * its interface (which {@code --interfaces} cannot do with {@code --nocluster}) and binds only
     * that, so no other machine reaches it.
     */
    @Test
    void aloneTheGridIsBoundToLoopback() throws Exception {
        Path bin = fakeJava();
        Path args = bin.resolve("args");
        Path home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "vigile-home-");
        copyTree(Path.of("payara"), home.resolve("payara"));
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "VIGILE_HOME",
                home.toString(),
                "PAYARA_MICRO_JAR",
                "/opt/payara/payara-micro.jar",
                "VIGILE_KEY_ENCRYPTION_KEY",
                TestServer.KEY_ENCRYPTION_KEY,
                "VIGILE_AUDIT_KEY",
                TestServer.AUDIT_KEY));
        assertEquals(0, runWithJava(bin, env), "the script ran the stand-in java");
        List<String> flags = Files.readAllLines(args);
        assertTrue(flags.contains("--nocluster"), flags.toString());
        assertTrue(flags.contains("-Dhazelcast.socket.bind.any=false"), flags.toString());
        String preBoot = flags.get(flags.lastIndexOf("--prebootcommandfile") + 1);
        String commands = Files.readString(Path.of(preBoot));
        assertTrue(commands.contains("set hazelcast-runtime-configuration.interface=127.0.0.1"), commands);
        assertTrue(
                commands.startsWith(Files.readString(Path.of("payara", "pre-boot-commands.asadmin"))),
                "the image's own boot commands come first");
        Files.deleteIfExists(Path.of(preBoot));
    }

    /** A folder holding a stand-in {@code java} that writes its arguments to {@code args} beside it. */
    private static Path fakeJava() throws Exception {
        Path bin = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "fake-java-");
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + bin.resolve("args") + "'\n");
        java.toFile().setExecutable(true);
        return bin;
    }

    private static int runWithJava(Path bin, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                "sh", Path.of("payara", "docker-entrypoint.sh").toAbsolutePath().toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process p = pb.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    private static ProcessBuilder script(Map<String, String> env, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                "sh", Path.of("payara", "docker-entrypoint.sh").toAbsolutePath().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        // The image's `java` is the JDK on PATH; here, the one running the tests.
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        return pb;
    }

    private static int healthcheck(Map<String, String> env) throws IOException, InterruptedException {
        Process p = script(env, List.of("healthcheck"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
