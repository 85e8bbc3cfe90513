package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The run command's launcher from a clean directory with no database configured: it starts the
 * embedded PostgreSQL in ./data, says when Vigile is ready, and the data survives a restart. The
 * first admin comes from the environment, once.
 */
class StartupIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void launcherUsesAnEmbeddedDatabaseWhoseDataSurvivesARestart() throws Exception {
        Path workDir = Files.createTempDirectory("vigile-run");
        int port = TestServer.freePort();
        String email = Api.uniqueEmail();
        String password = "survives a restart, surely";

        Process first = launch(workDir, port, workDir.resolve("run1.log"));
        try {
            String out = awaitLine(workDir.resolve("run1.log"), "Vigile is ready on http://localhost:" + port, first);
            assertTrue(out.contains("starting the embedded PostgreSQL"), out);
            assertTrue(out.contains("Generated a key-encryption key"), out);
            Path kek = workDir.resolve("data/key-encryption-key");
            assertEquals(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                    Files.getPosixFilePermissions(kek),
                    "the KEK is readable by its owner only");
            assertFalse(out.contains(Files.readString(kek).strip()), "the KEK itself is never printed");
            assertTrue(out.contains("Generated the audit chain's key"), out);
            Path auditKey = workDir.resolve("data/audit-key");
            assertEquals(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                    Files.getPosixFilePermissions(auditKey),
                    "the audit key is readable by its owner only");
            assertFalse(out.contains(Files.readString(auditKey).strip()), "the audit key itself is never printed");
            String ready = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(
                    ready.contains("\"databaseRole\":\"append-only\""),
                    "the application runs as a role apart from the schema's owner: " + ready);
            assertEquals(201, post(port, "/api/auth/register", email, password).statusCode());
            // No SMTP server configured: the embedded one took the verification mail, kept as a file.
            assertTrue(out.contains("the embedded SMTP server (GreenMail)"), out);
            Path mail = awaitMailFile(workDir.resolve("data/mail"), email);
            assertTrue(Files.readString(mail).contains("Confirm your email address"), "the verification mail");
            String announced = awaitLine(workDir.resolve("run1.log"), "Mail to " + email, first);
            assertFalse(announced.contains("#token="), "no mail token in the launcher's output");
            HttpResponse<String> admin =
                    post(port, "/api/auth/login", "admin@run.test", "the first admin's passphrase");
            assertEquals(200, admin.statusCode(), admin.body());
            assertTrue(JSON.readTree(admin.body())
                    .get("user")
                    .get("roles")
                    .toString()
                    .contains("ADMIN"));
            assertEquals(
                    java.util.List.of("on", "on", "on"),
                    durability(workDir.resolve("data/postgres")),
                    "fsync, synchronous_commit and full_page_writes: a 201 survives a power cut");
            assertTrue(out.contains("First start of this build: recording the classes Payara loads"), out);
            // Issue 33, hole 6: alone, nothing but the HTTP port listens beyond loopback (the data grid
            // listened on every address, open to any Hazelcast client on the network).
            ProcessHandle payara = first.descendants()
                    .filter(h -> h.info().commandLine().orElse("").contains("micro.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no Payara Micro process"));
            List<String> listening = listening(payara.pid());
            assertTrue(listening.stream().anyMatch(a -> a.endsWith(":" + port)), listening.toString());
            assertEquals(
                    List.of(),
                    listening.stream()
                            .filter(a -> !a.endsWith(":" + port)
                                    && !a.startsWith("127.")
                                    && !a.startsWith("::1:")
                                    && !a.startsWith("::ffff:127."))
                            .toList(),
                    "sockets of Payara listening beyond loopback, besides HTTP: " + listening);
        } finally {
            stop(first);
        }
        assertTrue(Files.isDirectory(workDir.resolve("data/postgres")), "data lives in ./data");
        // The first run kept the list of the classes it loaded, complete since it stopped normally.
        Path classData = workDir.resolve("data/payara");
        Path classList = only(classData, "vigile-.*\\.classlist(\\.part)?");
        assertTrue(classList.toString().endsWith(".classlist"), "complete, not partial: " + classList);
        assertTrue(Files.readString(classList).contains("org/glassfish/"), "Payara's classes are listed");

        Process second = launch(workDir, port, workDir.resolve("run2.log"));
        try {
            String out = awaitLine(workDir.resolve("run2.log"), "Vigile is ready", second);
            assertTrue(out.contains("The class-data archive is built in the background after this start"), out);
            // One deployment per start: the unpacked Payara Micro does not deploy the previous run's copy too.
            assertEquals(1, count(out, "Vigile started"), "Vigile deployed once");
            HttpResponse<String> login = post(port, "/api/auth/login", email, password);
            assertEquals(200, login.statusCode(), "the user registered before the restart: " + login.body());
            String token = JSON.readTree(post(port, "/api/auth/login", "admin@run.test", "the first admin's passphrase")
                            .body())
                    .get("access_token")
                    .asText();
            String verify = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/admin/audit/verify"))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(
                    JSON.readTree(verify).get("valid").asBoolean(), "the same audit key after the restart: " + verify);
            awaitFile(classData, "vigile-.*\\.jsa", second);
        } finally {
            stop(second);
        }

        // The third start maps the archive built in the background during the second.
        Path archive = only(classData, "vigile-.*\\.jsa(\\.part)?");
        assertTrue(
                archive.toString().endsWith(".jsa") && Files.size(archive) > 10_000_000,
                "a finished archive: " + archive);
        Process third = launch(workDir, port, workDir.resolve("run3.log"));
        try {
            String out = awaitLine(workDir.resolve("run3.log"), "Vigile is ready", third);
            assertTrue(out.contains("Loading classes from the class-data archive " + archive), out);
            // The JVM running Payara has the archive mapped (it would ignore one it found unusable).
            ProcessHandle payara = third.descendants()
                    .filter(h -> h.info().commandLine().orElse("").contains("launch-micro.jar"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no Payara Micro started from its unpacked launcher"));
            assertTrue(
                    Files.readString(Path.of("/proc", Long.toString(payara.pid()), "maps"))
                            .contains(archive.toString()),
                    "the class-data archive is mapped by the JVM");
            assertEquals(1, count(out, "Vigile started"), "Vigile deployed once");
            assertEquals(200, post(port, "/api/auth/login", email, password).statusCode(), "and serves as before");
        } finally {
            stop(third);
        }
    }

    /**
     * The addresses ({@code host:port}) on which the process listens for TCP, read from
     * {@code /proc}: its socket inodes, matched against the kernel's tables of listening sockets.
     */
    static List<String> listening(long pid) throws Exception {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (java.io.IOException gone) {
                    // closed meanwhile
                }
            }
        }
        List<String> found = new java.util.ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) { // 0A: LISTEN
                    found.add(address(f[1]));
                }
            }
        }
        return found;
    }

    /** {@code /proc/net/tcp}'s hex {@code address:port} as text ({@code ::ffff:127.0.0.1:6900}). */
    static String address(String hex) throws Exception {
        String[] parts = hex.split(":");
        byte[] raw = java.util.HexFormat.of().parseHex(parts[0]);
        // The kernel prints each 32-bit word in host (little-endian) order.
        for (int w = 0; w < raw.length; w += 4) {
            for (int i = 0; i < 2; i++) {
                byte t = raw[w + i];
                raw[w + i] = raw[w + 3 - i];
                raw[w + 3 - i] = t;
            }
        }
        String host = java.net.InetAddress.getByAddress(raw).getHostAddress();
        if (raw.length == 16 && host.startsWith("0:0:0:0:0:ffff:")) {
            host = "::ffff:"
                    + java.net.InetAddress.getByAddress(java.util.Arrays.copyOfRange(raw, 12, 16))
                            .getHostAddress();
        } else if (host.equals("0:0:0:0:0:0:0:1")) {
            host = "::1";
        }
        return host + ":" + Integer.parseInt(parts[1], 16);
    }

    /** Waits (up to 5 minutes, while {@code p} runs) for a file named like {@code pattern} in {@code dir}. */
    static void awaitFile(Path dir, String pattern, Process p) throws Exception {
        Awaitility.await("a file " + pattern + " in " + dir)
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("the process ended before " + pattern + " appeared in " + dir);
                    }
                    try (var files = Files.list(dir)) {
                        return files.anyMatch(f -> f.getFileName().toString().matches(pattern));
                    }
                });
    }

    /** The one file of {@code dir} named like {@code pattern}; fails if there is none or several. */
    static Path only(Path dir, String pattern) throws Exception {
        try (var files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().matches(pattern))
                    .toList();
            assertEquals(1, found.size(), "one " + pattern + ": " + found);
            return found.get(0);
        }
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    static Process launch(Path workDir, int port, Path log) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        for (String p : List.of("vigile.war", "vigile.payara.jar", "vigile.payara.dir")) {
            cmd.add("-D" + p + "=" + Path.of(System.getProperty(p)).toAbsolutePath());
        }
        cmd.add("dev.vigile.launcher.Launcher");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.environment().remove("VIGILE_DB_URL");
        pb.environment().put("VIGILE_PORT", Integer.toString(port));
        // C1 only, as for every server a test starts for itself (VigileUnderTest.QUICK_START_JVM):
        // the launcher adds these after its own options, as it does a user's.
        pb.environment().put("VIGILE_JAVA_MEMORY", VigileUnderTest.QUICK_START_JVM);
        pb.environment().put("VIGILE_ADMIN_EMAIL", "admin@run.test");
        pb.environment().put("VIGILE_ADMIN_PASSWORD", "the first admin's passphrase");
        return pb.start();
    }

    static Path awaitMailFile(Path folder, String recipient) throws Exception {
        return Awaitility.await("mail to " + recipient + " in " + folder)
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            if (!Files.isDirectory(folder)) {
                                return null;
                            }
                            try (var files = Files.list(folder)) {
                                return files.filter(f -> f.getFileName()
                                                        .toString()
                                                        .contains(recipient)
                                                && f.getFileName().toString().endsWith(".eml"))
                                        .findFirst()
                                        .orElse(null);
                            }
                        },
                        java.util.Objects::nonNull);
    }

    static String awaitLine(Path log, String line, Process p) throws Exception {
        return Awaitility.await("'" + line + "' in " + log)
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            String out = Files.exists(log) ? Files.readString(log) : "";
                            if (!out.contains(line) && !p.isAlive()) {
                                throw new AssertionError("launcher exited:\n" + out);
                            }
                            return out;
                        },
                        out -> out.contains(line));
    }

    static void stop(Process p) throws Exception {
        // Ctrl-C: the launcher's shutdown hook stops Payara and PostgreSQL.
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
    }

    static HttpResponse<String> post(int port, String path, String email, String password) throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of("email", email, "password", password));
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** fsync, synchronous_commit and full_page_writes of the running embedded PostgreSQL. */
    static java.util.List<String> durability(Path dataDirectory) throws Exception {
        // postmaster.pid: the fourth line is the port.
        int port = Integer.parseInt(Files.readAllLines(dataDirectory.resolve("postmaster.pid"))
                .get(3)
                .trim());
        java.util.List<String> values = new ArrayList<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "embedded");
                java.sql.Statement st = c.createStatement()) {
            for (String setting : java.util.List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (java.sql.ResultSet rs = st.executeQuery("show " + setting)) {
                    rs.next();
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }
}
