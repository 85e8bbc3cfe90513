import dev.vigile.it.BenchServer;
import dev.vigile.launcher.PayaraProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Start to ready and resident memory once idle, for Vigile started three ways and for Keycloak,
 * each on a new empty database, the ways taking turns (the order rotates every round) so that the
 * machine's drift spreads over all of them. Prints a Markdown table of medians and ranges.
 *   java ... StartupBench.java ROUNDS IDLE_SECONDS
 */
public class StartupBench {
    static final String OLD_MEMORY =
            "-Xmx512m -XX:G1PeriodicGCInterval=0 -XX:MinHeapFreeRatio=40 -XX:MaxHeapFreeRatio=70";

    interface Way {
        String name();

        /** Starts, waits until ready, waits idle, returns {start seconds, RSS MiB}; stops. */
        double[] measure(int idleSeconds) throws Exception;
    }

    record VigileWay(String name, PayaraProcess.Layout layout, String memory) implements Way {
        public double[] measure(int idleSeconds) throws Exception {
            long t0 = System.nanoTime();
            try (BenchServer server = BenchServer.start("startup", Map.of(), memory, layout)) {
                double start = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(idleSeconds * 1000L);
                return new double[] {start, rssKib(server.payara.pid()) / 1024.0};
            }
        }
    }

    record KeycloakWay(Path home, String java, String pgUrl, String pgUser) implements Way {
        public String name() {
            return "Keycloak 26.7.3 (`start --optimized`, its default heap)";
        }

        public double[] measure(int idleSeconds) throws Exception {
            String db = "kc_startup_" + ProcessHandle.current().pid();
            try (Connection c = DriverManager.getConnection(pgUrl, pgUser, "");
                    Statement s = c.createStatement()) {
                s.execute("create database " + db);
            }
            int port = dev.vigile.it.TestServer.freePort();
            ProcessBuilder pb = new ProcessBuilder(
                            home + "/bin/kc.sh",
                            "start",
                            "--optimized",
                            "--http-enabled=true",
                            "--hostname-strict=false",
                            "--http-port=" + port,
                            "--db-url=" + pgUrl.replace("/postgres", "/" + db),
                            "--db-username=" + pgUser,
                            "--db-password=unused")
                    .redirectErrorStream(true)
                    .redirectOutput(
                            Files.createTempFile("keycloak-startup", ".log").toFile());
            pb.environment().put("JAVA_HOME", java);
            pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            pb.environment()
                    .put("KC_BOOTSTRAP_ADMIN_PASSWORD", UUID.randomUUID().toString());
            long t0 = System.nanoTime();
            Process kc = pb.start();
            try {
                String url = "http://127.0.0.1:" + port + "/realms/master";
                boolean up = false;
                while (!up && kc.isAlive() && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(5)) {
                    try {
                        up = BenchServer.HTTP
                                        .send(
                                                HttpRequest.newBuilder(URI.create(url))
                                                        .build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (java.io.IOException notYet) {
                        // starting
                    }
                    if (!up) {
                        Thread.sleep(100);
                    }
                }
                if (!up) {
                    throw new IllegalStateException("Keycloak did not start");
                }
                double start = (System.nanoTime() - t0) / 1e9;
                Thread.sleep(idleSeconds * 1000L);
                long rss = rssKib(kc.pid());
                for (ProcessHandle child : kc.descendants().toList()) {
                    rss += rssKib(child.pid());
                }
                return new double[] {start, rss / 1024.0};
            } finally {
                kc.descendants().forEach(ProcessHandle::destroy);
                kc.destroy();
                kc.waitFor(60, TimeUnit.SECONDS);
                kc.descendants().forEach(ProcessHandle::destroyForcibly);
                kc.destroyForcibly();
                try (Connection c = DriverManager.getConnection(pgUrl, pgUser, "");
                        Statement s = c.createStatement()) {
                    s.execute("drop database if exists " + db + " with (force)");
                }
            }
        }
    }

    static boolean hasArchive(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa"));
        }
    }

    static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int idle = Integer.parseInt(args[1]);
        PayaraProcess.Layout plain = PayaraProcess.Layout.fromSystemProperties();
        Path classData = Path.of("target", "bench", "class-data").toAbsolutePath();
        PayaraProcess.Layout shared = plain.withClassData(classData);
        List<Way> ways = new ArrayList<>();
        ways.add(
                new VigileWay("Vigile before: `payara-micro.jar`, `-Xmx512m`, JVM's heap defaults", plain, OLD_MEMORY));
        ways.add(new VigileWay("Vigile, heap defaults of `PayaraOptions.MEMORY_DEFAULTS` only", plain, "-Xmx512m"));
        ways.add(new VigileWay(
                "Vigile after: class-data archive and heap defaults (`./mvnw -Prun`)", shared, "-Xmx512m"));
        String home = System.getenv("KEYCLOAK_HOME");
        String java = System.getenv("KEYCLOAK_JAVA");
        String pgUrl = System.getenv().getOrDefault("BENCH_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String pgUser = System.getenv().getOrDefault("BENCH_DB_USER", "postgres");
        if (home != null && Files.isDirectory(Path.of(home)) && java != null && !java.isBlank()) {
            ways.add(new KeycloakWay(Path.of(home), java, pgUrl, pgUser));
        } else {
            System.err.println("Keycloak not measured (distribution or JDK 21+ missing)");
        }

        // What the first two ./mvnw -Prun of a build do: the first records the class list, the second
        // builds the archive in the background once ready.
        if (Files.isDirectory(classData)) {
            try (var old = Files.walk(classData)) {
                old.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        double[] first = new VigileWay("first", shared, "-Xmx512m").measure(5);
        System.err.printf("first start of this build (records the class list): %.1f s%n", first[0]);
        long t0 = System.nanoTime();
        double second;
        double built;
        try (BenchServer server = BenchServer.start("startup", Map.of(), "-Xmx512m", shared)) {
            second = (System.nanoTime() - t0) / 1e9;
            long b0 = System.nanoTime();
            while (!hasArchive(classData)) {
                if (System.nanoTime() - b0 > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException("no class-data archive after 10 minutes");
                }
                Thread.sleep(500);
            }
            built = (System.nanoTime() - b0) / 1e9;
        }
        System.err.printf("second start: %.1f s; archive built in the background in %.1f s%n", second, built);

        Map<String, List<double[]>> results = new LinkedHashMap<>();
        ways.forEach(w -> results.put(w.name(), new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < ways.size(); i++) {
                Way w = ways.get((i + r) % ways.size());
                double[] m = w.measure(idle);
                System.err.printf("round %d  %-80s start %.1f s  RSS %.0f MiB%n", r + 1, w.name(), m[0], m[1]);
                results.get(w.name()).add(m);
            }
        }
        System.out.printf(
                "%n| way | starts | start to ready, median (range) s | RSS after %d s idle, median (range) MiB |%n",
                idle);
        System.out.println("|---|---|---|---|");
        for (var e : results.entrySet()) {
            List<double[]> ms = e.getValue();
            System.out.printf(
                    "| %s | %d | %s | %s |%n", e.getKey(), ms.size(), stat(ms, 0, "%.1f"), stat(ms, 1, "%.0f"));
        }
        System.out.printf(
                "%nFirst start of a build (records the class list): %.1f s; the second: %.1f s, then the archive"
                        + " built in the background (nice 19) in %.1f s%n",
                first[0], second, built);
    }

    static String stat(List<double[]> ms, int k, String fmt) {
        double[] v = ms.stream().mapToDouble(m -> m[k]).sorted().toArray();
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(fmt + " (" + fmt + "–" + fmt + ")", median, v[0], v[v.length - 1]);
    }
}
