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
        cmd.addAll(PayaraOptions.jvmOptions(layout, env, cluster));
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
        cmd.addAll(PayaraOptions.microOptions(layout, port, cluster));
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
