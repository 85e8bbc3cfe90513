package dev.vigile.launcher;

import java.io.IOException;
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

/**
 * Payara Micro running the Vigile WAR in a child process, with the boot command files of {@code
 * payara/}. Ready means Vigile's own readiness check is UP, not merely that Payara booted: a
 * failed deployment still lets Payara print "ready".
 */
public final class PayaraProcess implements AutoCloseable {
    /**
     * Names JSON-P's provider, read once. Without it every {@code Json.createReader} scans the
     * class path through {@code ServiceLoader}, and Payara's MP-JWT parses the verification keys
     * that way on every request: in the suite's profile, request threads queued on the class
     * loaders' locks there. Payara ships Parsson, its default provider.
     */
    static final String JSON_PROVIDER = "-Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl";

    /**
     * The heap's defaults, before {@code VIGILE_JAVA_MEMORY} (whose options come later and win): at
     * most 512 MiB, and an idle server gives back what it no longer uses. G1 runs a concurrent cycle
     * when no collection happened for 15 s and then returns free heap above 30 % to the system
     * (JEP 346); under load the periodic cycle does not run and the heap grows as G1 needs. Measured
     * in {@code bench/startup}: RSS idle 577 → 494 MiB (medians), 491 with the class-data archive.
     *
     * <p>G1 also gives the heap back at the end of every marking cycle, so under load the heap stood
     * at about 70 % occupied, above G1's own threshold for starting the next cycle: 51 back-to-back
     * cycles in one run of {@code bench/pages}, each with a 20 ms remark pause, the tail of every
     * latency. Cycles therefore start at a fixed 80 % occupancy, above what giving back leaves:
     * 7 cycles in the same run.
     */
    static final List<String> MEMORY_DEFAULTS = List.of(
            "-XX:G1PeriodicGCInterval=15000",
            "-XX:MinHeapFreeRatio=10",
            "-XX:MaxHeapFreeRatio=30",
            "-XX:-G1UseAdaptiveIHOP",
            "-XX:InitiatingHeapOccupancyPercent=80");

    private final Process process;
    private final int port;
    private final ClassDataArchive.Start classData;
    private volatile Process classDataBuild;

    private PayaraProcess(Process process, int port, ClassDataArchive.Start classData) {
        this.process = process;
        this.port = port;
        this.classData = classData;
    }

    /**
     * Where the WAR, Payara Micro and its settings are; set by Maven, defaulted for a checkout.
     * {@code classData}: the directory of the class-data archive and of Payara Micro unpacked for
     * it ({@link ClassDataArchive}), or null to start Payara Micro's jar as it is.
     */
    public record Layout(Path war, Path payaraJar, Path payaraDir, Path classData) {
        public static Layout fromSystemProperties() {
            return new Layout(
                    Path.of(System.getProperty("vigile.war", "target/vigile.war")),
                    Path.of(System.getProperty("vigile.payara.jar", "target/payara-micro.jar")),
                    Path.of(System.getProperty("vigile.payara.dir", "payara")),
                    null);
        }

        /** The same, with the class-data archive kept in {@code dir}. */
        public Layout withClassData(Path dir) {
            return new Layout(war, payaraJar, payaraDir, dir);
        }
    }

    /**
     * Membership of a data-grid cluster (Payara's Hazelcast): the cluster's name, the interface and
     * first port this member listens on, and every member's {@code host:port} (no ranges: Payara's
     * boot rejects them).
     */
    public record Cluster(String name, String iface, int port, List<String> members) {
        /**
         * From {@code VIGILE_CLUSTER_NAME}, {@code VIGILE_CLUSTER_INTERFACE} (default 127.0.0.1),
         * {@code VIGILE_CLUSTER_PORT} (default 6900) and {@code VIGILE_CLUSTER_MEMBERS}
         * (comma-separated {@code host:port}); null when no cluster name is set.
         */
        public static Cluster fromEnvironment(Map<String, String> env) {
            String name = env.get("VIGILE_CLUSTER_NAME");
            if (name == null || name.isBlank()) {
                return null;
            }
            String iface = env.getOrDefault("VIGILE_CLUSTER_INTERFACE", "127.0.0.1");
            int port = Integer.parseInt(env.getOrDefault("VIGILE_CLUSTER_PORT", "6900"));
            List<String> members = new ArrayList<>();
            for (String m : env.getOrDefault("VIGILE_CLUSTER_MEMBERS", iface + ":" + port)
                    .split(",")) {
                if (!m.isBlank()) {
                    members.add(m.trim());
                }
            }
            return new Cluster(name.trim(), iface, port, members);
        }

        List<String> args() {
            return List.of(
                    "--clusterName",
                    name,
                    "--interfaces",
                    iface,
                    "--startPort",
                    Integer.toString(port),
                    "--clusterMode",
                    "tcpip:" + String.join(",", members));
        }

        boolean loopback() {
            return iface.startsWith("127.") || iface.equals("localhost");
        }
    }

    /** Starts Payara Micro alone (no data-grid cluster). */
    public static PayaraProcess start(
            Layout layout, int port, Map<String, String> env, Path log, List<String> extraArgs) throws IOException {
        return start(layout, port, env, log, extraArgs, null);
    }

    /**
     * Starts Payara Micro.
     *
     * @param env variables for Vigile (VIGILE_*), added to this process's environment
     * @param log where Payara's output goes; {@code null} to inherit this process's
     * @param extraArgs further Payara Micro options
     * @param cluster the data grid to join, or null to run alone
     */
    public static PayaraProcess start(
            Layout layout, int port, Map<String, String> env, Path log, List<String> extraArgs, Cluster cluster)
            throws IOException {
        for (Path p : List.of(layout.war(), layout.payaraJar())) {
            if (!Files.isRegularFile(p)) {
                throw new IOException(p + " is missing: build with ./mvnw package first");
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions(layout, env, cluster));
        ClassDataArchive.Start classData = null;
        Path jar = layout.payaraJar();
        if (layout.classData() != null) {
            classData = ClassDataArchive.in(layout.classData()).prepare(layout.war(), layout.payaraJar());
            cmd.addAll(classData.jvmOptions());
            jar = classData.launcher();
        }
        cmd.addAll(List.of(
                "-jar",
                jar.toAbsolutePath().toString(),
                "--deploy",
                layout.war().toAbsolutePath().toString()));
        cmd.addAll(microOptions(layout, port, cluster));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        if (cluster != null) {
            pb.environment().put("VIGILE_CLUSTER_NAME", cluster.name());
        }
        if (log == null) {
            pb.inheritIO();
        } else {
            Files.createDirectories(log.toAbsolutePath().getParent());
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        return new PayaraProcess(pb.start(), port, classData);
    }

    /**
     * The JVM options Vigile's Payara Micro runs with (before {@code -jar}): heap and GC from {@code
     * VIGILE_JAVA_MEMORY}, Vigile's logging, JSON-P's provider named once.
     */
    public static List<String> jvmOptions(Layout layout, Map<String, String> env, Cluster cluster) {
        List<String> options = new ArrayList<>();
        // Heap and GC options, separated by spaces; from the given variables first (the bench sets
        // them there), then this process's environment.
        String memory =
                env.getOrDefault("VIGILE_JAVA_MEMORY", System.getenv().getOrDefault("VIGILE_JAVA_MEMORY", "-Xmx512m"));
        options.addAll(MEMORY_DEFAULTS);
        options.addAll(List.of(memory.trim().split("\\s+")));
        options.add("-Djava.util.logging.config.file="
                + layout.payaraDir().resolve("logging.properties").toAbsolutePath());
        options.add(JSON_PROVIDER);
        // The grid binds only the interface it is given: the members' in a cluster, loopback alone.
        options.add("-Dhazelcast.socket.bind.any=false");
        return options;
    }

    /**
     * Payara Micro's own options for Vigile (after the WAR to deploy): context root {@code /}, the
     * port, the boot command files of {@code payara/}, the logging, and the data grid or none.
     */
    public static List<String> microOptions(Layout layout, int port, Cluster cluster) throws IOException {
        Path preBoot = layout.payaraDir().resolve("pre-boot-commands.asadmin").toAbsolutePath();
        if (cluster == null) {
            preBoot = withCommand(preBoot, GRID_ON_LOOPBACK);
        } else if (cluster.loopback()) {
            preBoot = withCommand(preBoot, HTTP_ON_LOOPBACK);
        }
        List<String> options = new ArrayList<>(List.of(
                "--contextroot",
                "/",
                "--port",
                Integer.toString(port),
                "--disablephonehome",
                "--nohostaware",
                "--prebootcommandfile",
                preBoot.toString(),
                "--postbootcommandfile",
                layout.payaraDir()
                        .resolve("post-boot-commands.asadmin")
                        .toAbsolutePath()
                        .toString(),
                "--logproperties",
                layout.payaraDir()
                        .resolve("logging.properties")
                        .toAbsolutePath()
                        .toString()));
        options.addAll(cluster == null ? List.of("--nocluster") : cluster.args());
        return options;
    }

    /** For members on one machine: the HTTP listener bound to loopback. */
    static final String HTTP_ON_LOOPBACK =
            "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1";

    /**
     * Alone: Payara's data grid still starts (with {@code --nocluster}, as its only member) and, with
     * no interface given, listens on every address; {@code --interfaces} is ignored with
     * {@code --nocluster}, so the interface is set here. With {@code hazelcast.socket.bind.any=false}
     * it then listens on 127.0.0.1 only, out of reach of another machine.
     */
    static final String GRID_ON_LOOPBACK = "set hazelcast-runtime-configuration.interface=127.0.0.1";

    /** The boot commands plus one more, in a file of their own. */
    private static Path withCommand(Path base, String command) throws IOException {
        Path file = Files.createTempFile("vigile-preboot", ".asadmin");
        file.toFile().deleteOnExit();
        Files.writeString(file, Files.readString(base) + System.lineSeparator() + command + System.lineSeparator());
        return file;
    }

    public int port() {
        return port;
    }

    /** What this start does with the class-data archive, in a sentence; null without one. */
    public String classDataNote() {
        if (classData == null) {
            return null;
        }
        if (classData.records()) {
            return "First start of this build: recording the classes Payara loads, for the class-data archive that"
                    + " makes later starts faster (" + classData.archive().getParent() + ").";
        }
        if (classData.canBuild()) {
            return "The class-data archive is built in the background after this start; later starts load"
                    + " their classes from it.";
        }
        return "Loading classes from the class-data archive " + classData.archive() + ".";
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /**
     * Waits until {@code /health/ready} reports Vigile's own check UP; then, if this start has the
     * class list but no archive yet, starts building the archive in the background.
     */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        // HTTP/1.1: the JDK's default HTTP/2 first tries an h2c upgrade, and Grizzly's upgrade path
        // once held two request threads of a member in a lock-order deadlock (docs/security.md).
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Payara Micro exited with status " + process.exitValue());
            }
            try {
                HttpResponse<String> r = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("vigile-database")) {
                    if (classData != null) {
                        classDataBuild = classData.build();
                    }
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(250);
        }
        // The JVM prints its threads to Payara's output (the log) on SIGQUIT: what it was stuck on.
        try {
            new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid()))
                    .start()
                    .waitFor();
        } catch (IOException noKill) {
            // not on a POSIX system
        }
        throw new IOException("Vigile was not ready within " + timeout + "; last answer: " + last);
    }

    /** Sends SIGTERM and returns at once: Vigile drains, then Payara stops. */
    public void terminate() {
        process.destroy();
    }

    /** Stops Payara gracefully (SIGTERM), then forcibly if it lingers; and a class-data build under way. */
    @Override
    public void close() {
        terminate();
        Process build = classDataBuild;
        if (build != null) {
            build.destroyForcibly();
        }
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (classData != null && !process.isAlive()) {
            classData.exited(process.exitValue());
        }
    }

    /** Kills Payara at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }
}
