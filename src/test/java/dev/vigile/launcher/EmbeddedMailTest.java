package dev.vigile.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev run's mail folder (issue 33, points 7 and 8): each mail is written once, as itself, in
 * arrival order; a mail with an address that does not parse is written (or skipped) once, not
 * retried for ever; numbers continue across starts.
 */
class EmbeddedMailTest {
    @TempDir
    Path folder;

    @Test
    void eachMailIsWrittenOnceAsItselfAndNumbersGoOnAcrossStarts() throws Exception {
        try (EmbeddedMail mail = EmbeddedMail.start(folder, 0)) {
            send(mail.port(), "ann@one.test", "first to ann");
            awaitFiles(1);
            send(mail.port(), "bob@two.test", "first to bob");
            awaitFiles(2);
            // A later mail to an address that already had one: GreenMail lists it before bob's.
            send(mail.port(), "ann@one.test", "second to ann");
            awaitFiles(3);
            // An address that jakarta.mail refuses to parse (non-ASCII, as a SMTPUTF8 client sends it).
            send(mail.port(), "probe@exämple.test", "bad address");
            send(mail.port(), "cid@three.test", "after the bad one");
            awaitFiles(5);
        }
        assertEquals(
                List.of(
                        "0001:first to ann",
                        "0002:first to bob",
                        "0003:second to ann",
                        "0004:bad address",
                        "0005:after the bad one"),
                subjects());

        try (EmbeddedMail again = EmbeddedMail.start(folder, 0)) {
            send(again.port(), "ann@one.test", "next run");
            awaitFiles(6);
        }
        assertEquals("0006:next run", subjects().get(5), "a new start does not overwrite the last run's mail");
    }

    @Test
    void theHighestNumberInTheFolderIsFound() throws Exception {
        Files.writeString(folder.resolve("0009-a@b.test.eml"), "");
        Files.writeString(folder.resolve("0012-c@d.test.eml"), "");
        Files.writeString(folder.resolve("notes.txt"), "");
        assertEquals(12, EmbeddedMail.lastNumber(folder));
    }

    private void awaitFiles(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> emls().size() >= count);
    }

    private List<Path> emls() throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".eml")).sorted().toList();
        }
    }

    private List<String> subjects() throws Exception {
        return emls().stream()
                .map(f -> {
                    try {
                        String subject = Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                                .filter(l -> l.startsWith("Subject: "))
                                .findFirst()
                                .orElse("Subject: ?")
                                .substring(9);
                        return f.getFileName().toString().substring(0, 4) + ":" + subject;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }

    /** One mail over a plain SMTP conversation, the recipient written as given (UTF-8). */
    private static void send(int port, String to, String subject) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            for (String[] step : new String[][] {
                {"EHLO test", "250"},
                {"MAIL FROM:<vigile@localhost>", "250"},
                {"RCPT TO:<" + to + ">", "250"},
                {"DATA", "354"},
                {"From: vigile@localhost\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nbody\r\n.", "250"},
                {"QUIT", "221"}
            }) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                expect(in, step[1]);
            }
        }
    }

    private static void expect(BufferedReader in, String code) throws Exception {
        String line;
        do {
            line = in.readLine();
            assertTrue(line != null && line.startsWith(code), "expected " + code + ", got " + line);
        } while (line.charAt(3) == '-');
    }
}
