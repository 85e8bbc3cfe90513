package dev.vigile.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Class-data sharing (CDS) for Payara Micro, kept in one directory ({@code data/payara} for the
 * run command).
 *
 * <p>CDS needs classes loaded from the same jar files at the same paths on every start, which
 * Payara Micro's single jar does not give (it unpacks itself into a new temporary directory each
 * time). So Payara Micro is unpacked once here ({@code --rootdir micro-root --outputlauncher}) and
 * started through the launcher jar it writes. Its configuration there is reset to the unpacked state
 * before each start, so nothing of one run (a deployed application, a port) carries into the next.
 *
 * <p>Three steps, none of which slows a start: the first start of a build writes the list of the
 * classes it loads ({@code -XX:DumpLoadedClassList}, kept only if that JVM exited normally); once
 * the next start is ready, a background JVM at the lowest priority builds the archive from that list
 * ({@code -Xshare:dump}, about half a minute of one core); later starts map it ({@code
 * -XX:SharedArchiveFile}). The JDK's dynamic archive ({@code -XX:ArchiveClassesAtExit}) would also
 * hold the WAR's classes, but recording it made the first start 2.8 times slower (84 against 30 s,
 * {@code bench/startup}) for no measurable gain after. Names carry a digest of the WAR, Payara
 * Micro and the JVM, so a rebuilt WAR starts over and the old files are deleted. An archive the JVM
 * finds unusable is ignored by the JVM itself ({@code -Xshare:auto}), never an error.
 */
public final class ClassDataArchive {
    private static final String PRISTINE = "config.pristine";

    private final Path dir;
    private final Path root;

    private ClassDataArchive(Path dir) {
        this.dir = dir;
        this.root = dir.resolve("micro-root");
    }

    /** The archive and Payara Micro's unpacked runtime kept in {@code dir}. */
    public static ClassDataArchive in(Path dir) {
        return new ClassDataArchive(dir.toAbsolutePath());
    }

    /**
     * What a start needs: the jar to run and the JVM options that use the archive or record the
     * class list ({@code recording}, renamed to {@code classList} after a normal exit).
     */
    public record Start(Path launcher, List<String> jvmOptions, Path recording, Path classList, Path archive) {
        /** True when this start records the class list (the first one of this build). */
        public boolean records() {
            return recording != null;
        }

        /** True when this start runs without the archive but the class list to build it is there. */
        public boolean canBuild() {
            return recording == null && !Files.isRegularFile(archive) && Files.isRegularFile(classList);
        }

        /** After the JVM exited: keeps the class list it recorded if it exited normally (0, or on SIGINT/SIGTERM). */
        void exited(int status) {
            if (recording == null) {
                return;
            }
            try {
                if ((status == 0 || status == 130 || status == 143) && Files.size(recording) > 0) {
                    Files.move(
                            recording, classList, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.deleteIfExists(recording);
                }
            } catch (IOException e) {
                // No class list this time: the next start records again.
            }
        }

        /**
         * Builds the archive from the class list in a background JVM at the lowest priority ({@code
         * nice -n 19} where there is one), written aside and renamed when complete; null if there is
         * nothing to build.
         */
        public Process build() throws IOException {
            if (!canBuild()) {
                return null;
            }
            Path part = archive.resolveSibling(archive.getFileName() + ".part");
            Files.deleteIfExists(part);
            List<String> cmd = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
                cmd.addAll(List.of("/usr/bin/nice", "-n", "19"));
            }
            cmd.addAll(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xshare:dump",
                    "-XX:SharedClassListFile=" + classList,
                    "-XX:SharedArchiveFile=" + part,
                    "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off",
                    "-cp",
                    launcher.toString()));
            Process dump = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            archive.resolveSibling("class-data-build.log").toFile())
                    .start();
            dump.onExit().thenAccept(p -> {
                try {
                    if (p.exitValue() == 0 && Files.isRegularFile(part) && Files.size(part) > 0) {
                        Files.move(part, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } else {
                        Files.deleteIfExists(part);
                    }
                } catch (IOException e) {
                    // Not built: the next start builds again.
                }
            });
            return dump;
        }
    }

    /**
     * Unpacks Payara Micro if needed, resets its configuration, and chooses the class-data options
     * for this WAR.
     */
    public Start prepare(Path war, Path payaraJar) throws IOException {
        unpack(payaraJar);
        reset();
        String key = digest(war, payaraJar);
        Path archive = dir.resolve("vigile-" + key + ".jsa");
        Path classList = dir.resolve("vigile-" + key + ".classlist");
        Path launcher = root.resolve("launch-micro.jar");
        deleteOthers(key);
        // The JVM's own CDS messages (classes it cannot archive, which are many and harmless) stay out of the log.
        List<String> options = new ArrayList<>(List.of("-Xshare:auto", "-Xlog:cds*=off"));
        if (Files.isRegularFile(archive)) {
            options.add("-XX:SharedArchiveFile=" + archive);
            return new Start(launcher, options, null, classList, archive);
        }
        if (Files.isRegularFile(classList)) {
            return new Start(launcher, options, null, classList, archive);
        }
        Path recording = dir.resolve("vigile-" + key + ".classlist.part");
        Files.deleteIfExists(recording);
        options.add("-XX:DumpLoadedClassList=" + recording);
        return new Start(launcher, options, recording, classList, archive);
    }

    /** {@code --rootdir micro-root --outputlauncher}, once per Payara Micro jar. */
    private void unpack(Path payaraJar) throws IOException {
        Path stamp = dir.resolve("micro-root.source");
        String source = digest(payaraJar);
        if (Files.isRegularFile(root.resolve("launch-micro.jar"))
                && Files.isDirectory(root.resolve(PRISTINE))
                && Files.isRegularFile(stamp)
                && Files.readString(stamp).equals(source)) {
            return;
        }
        deleteTree(root);
        Files.createDirectories(dir);
        Path log = dir.resolve("micro-root.log");
        Process unpack = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        payaraJar.toAbsolutePath().toString(),
                        "--rootdir",
                        root.toString(),
                        "--outputlauncher")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            if (!unpack.waitFor(5, TimeUnit.MINUTES)
                    || unpack.exitValue() != 0
                    || !Files.isRegularFile(root.resolve("launch-micro.jar"))) {
                unpack.destroyForcibly();
                throw new IOException("Payara Micro could not unpack itself into " + root + "; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while Payara Micro unpacked itself", e);
        }
        copyTree(root.resolve("config"), root.resolve(PRISTINE));
        Files.writeString(stamp, source);
    }

    /**
     * Back to the unpacked state: Payara Micro would otherwise deploy the previous run's copy of
     * the application from its root directory before the new one (a second deployment per start).
     */
    private void reset() throws IOException {
        for (String d : List.of("applications", "generated", "autodeploy", "logs", "config")) {
            deleteTree(root.resolve(d));
        }
        copyTree(root.resolve(PRISTINE), root.resolve("config"));
    }

    /** Deletes the archives and class lists of other builds. */
    private void deleteOthers(String key) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith("vigile-") && !name.startsWith("vigile-" + key + ".")) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /**
     * SHA-256 of the jars' entries (the WAR and Payara Micro; names, CRCs, sizes: a rebuild of the same
     * classes gives the same key, though every build changes the entries' times) and of the JVM's
     * version: 16 hex digits.
     */
    static String digest(Path... jars) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path jar : jars) {
            entries(sha, jar);
        }
        String jvm = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.version");
        sha.update(jvm.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void entries(MessageDigest sha, Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (var all = zip.entries(); all.hasMoreElements(); ) {
                ZipEntry e = all.nextElement();
                sha.update(
                        (e.getName() + " " + e.getCrc() + " " + e.getSize() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
