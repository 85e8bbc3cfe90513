package dev.vigile.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The command line Vigile's Payara Micro runs with: the JVM's options and Payara Micro's own. */
public final class PayaraOptions {
    private PayaraOptions() {}

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

    /**
     * The JVM options Vigile's Payara Micro runs with (before {@code -jar}): heap and GC from {@code
     * VIGILE_JAVA_MEMORY}, Vigile's logging, JSON-P's provider named once.
     */
    public static List<String> jvmOptions(
            PayaraProcess.Layout layout, Map<String, String> env, PayaraProcess.Cluster cluster) {
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
    public static List<String> microOptions(PayaraProcess.Layout layout, int port, PayaraProcess.Cluster cluster)
            throws IOException {
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
}
