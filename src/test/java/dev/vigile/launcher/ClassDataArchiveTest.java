package dev.vigile.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's key and what happens to a recorded class list when the JVM exits; the whole cycle is in StartupIT. */
class ClassDataArchiveTest {
    @TempDir
    Path dir;

    @Test
    void theKeyFollowsTheClassesNotTheBuildTime() throws Exception {
        Path payara = jar("payara.jar", Map.of("a.class", "payara"), 1_000);
        Path war = jar("a.war", Map.of("WEB-INF/classes/X.class", "one", "index.html", "hello"), 1_000);
        Path rebuilt = jar("b.war", Map.of("WEB-INF/classes/X.class", "one", "index.html", "hello"), 9_000_000);
        Path changed = jar("c.war", Map.of("WEB-INF/classes/X.class", "two", "index.html", "hello"), 1_000);
        String key = ClassDataArchive.digest(war, payara);
        assertEquals(16, key.length());
        assertEquals(key, ClassDataArchive.digest(rebuilt, payara), "same classes built at another time: same key");
        assertNotEquals(key, ClassDataArchive.digest(changed, payara), "a changed class: a new key");
        Path otherPayara = jar("payara2.jar", Map.of("a.class", "payara 2"), 1_000);
        assertNotEquals(key, ClassDataArchive.digest(war, otherPayara), "another Payara Micro: a new key");
    }

    @Test
    void aRecordingIsKeptOnlyAfterANormalExit() throws Exception {
        for (int status : List.of(0, 130, 143)) {
            Path part = Files.writeString(dir.resolve("r" + status + ".classlist.part"), "archive");
            Path archive = dir.resolve("r" + status + ".classlist");
            new ClassDataArchive.Start(dir.resolve("launch-micro.jar"), List.of(), part, archive, dir.resolve("x.jsa"))
                    .exited(status);
            assertTrue(Files.isRegularFile(archive), "exit " + status + " keeps the class list");
            assertFalse(Files.exists(part));
        }
        for (int status : List.of(1, 137)) {
            Path part = Files.writeString(dir.resolve("k" + status + ".classlist.part"), "half an archive");
            Path archive = dir.resolve("k" + status + ".classlist");
            new ClassDataArchive.Start(dir.resolve("launch-micro.jar"), List.of(), part, archive, dir.resolve("x.jsa"))
                    .exited(status);
            assertFalse(Files.exists(archive), "exit " + status + " (a crash or a kill) keeps nothing");
            assertFalse(Files.exists(part), "and the partial file is gone");
        }
        Path empty = Files.createFile(dir.resolve("e.classlist.part"));
        new ClassDataArchive.Start(
                        dir.resolve("launch-micro.jar"),
                        List.of(),
                        empty,
                        dir.resolve("e.classlist"),
                        dir.resolve("x.jsa"))
                .exited(0);
        assertFalse(Files.exists(dir.resolve("e.classlist")), "an empty recording is not a class list");
    }

    @Test
    void anArchiveIsBuiltOnlyFromAFinishedClassListAndOnlyOnce() throws Exception {
        Path list = dir.resolve("v.classlist");
        Path archive = dir.resolve("v.jsa");
        ClassDataArchive.Start start =
                new ClassDataArchive.Start(dir.resolve("launch-micro.jar"), List.of(), null, list, archive);
        assertFalse(start.canBuild(), "no class list yet");
        Files.writeString(list, "java/lang/Object\n");
        assertTrue(start.canBuild(), "a class list and no archive");
        Files.writeString(archive, "archive");
        assertFalse(start.canBuild(), "already built");
        ClassDataArchive.Start recording = new ClassDataArchive.Start(
                dir.resolve("launch-micro.jar"),
                List.of(),
                dir.resolve("v.classlist.part"),
                list,
                dir.resolve("w.jsa"));
        assertFalse(recording.canBuild(), "a start that records does not build");
    }

    private Path jar(String name, Map<String, String> entries, long time) throws Exception {
        Path file = dir.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (String entry : new java.util.TreeSet<>(entries.keySet())) {
                ZipEntry e = new ZipEntry(entry);
                e.setLastModifiedTime(FileTime.fromMillis(time));
                zip.putNextEntry(e);
                zip.write(entries.get(entry).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return file;
    }
}
