package dev.vigile.launcher;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SMTP server {@code ./mvnw -Prun} starts when no {@code VIGILE_MAIL_SMTP_HOST} is given:
 * GreenMail on 127.0.0.1, keeping what it receives in memory. Each mail is also written to
 * {@code data/mail/} as an {@code .eml} file (opened by any mail program) and announced by its
 * recipient and subject: never its body, which may carry a token.
 */
final class EmbeddedMail implements AutoCloseable {
    private final GreenMail server;
    private final int port;
    private final Thread writer;

    private EmbeddedMail(GreenMail server, int port, Path folder) {
        this.server = server;
        this.port = port;
        this.writer = new Thread(() -> keep(folder), "embedded-mail");
        writer.setDaemon(true);
        writer.start();
    }

    static EmbeddedMail start(Path folder, int preferredPort) throws IOException {
        Files.createDirectories(folder);
        int port = free(preferredPort) ? preferredPort : 0;
        if (port == 0) {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
        }
        GreenMail server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        return new EmbeddedMail(server, port, folder);
    }

    int port() {
        return port;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes each received mail once, in arrival order. GreenMail lists its messages grouped by
     * mailbox, not by arrival, so a position in that list names a different mail once a second
     * mailbox received one: what was written is remembered by the message itself. A mail that
     * cannot be read or written is reported once and skipped, never retried in a loop. Numbers
     * continue after the files already in the folder, so runs do not mix.
     */
    private void keep(Path folder) {
        Set<MimeMessage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        int number = lastNumber(folder);
        while (!Thread.currentThread().isInterrupted()) {
            for (MimeMessage m : server.getReceivedMessages()) {
                if (kept.add(m)) {
                    number++;
                    keepOne(folder, number, m);
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void keepOne(Path folder, int number, MimeMessage m) {
        String recipient = "unknown";
        try {
            recipient = recipient(m);
            Path file =
                    folder.resolve(String.format("%04d-%s.eml", number, recipient.replaceAll("[^A-Za-z0-9@._-]", "_")));
            // Written aside, then moved in whole: a reader of the folder (a mail program, a test)
            // never opens a mail half written. (StartupIT once read one that way.)
            Path partial = folder.resolve("." + file.getFileName() + ".partial");
            try (OutputStream out = Files.newOutputStream(partial)) {
                m.writeTo(out);
            }
            Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.println("Mail to " + recipient + ": \"" + m.getSubject() + "\" -> " + file);
        } catch (Exception e) {
            System.err.println("Mail " + number + " to " + recipient + " was not kept, and is skipped: "
                    + e.getClass().getSimpleName());
        }
    }

    /** The first recipient as sent (the envelope's, read without parsing it as an address). */
    private static String recipient(MimeMessage m) throws jakarta.mail.MessagingException {
        String[] to = m.getHeader("To");
        return to == null || to.length == 0 ? "unknown" : to[0].strip();
    }

    /** The highest number of the {@code NNNN-*.eml} files already in the folder. */
    static int lastNumber(Path folder) {
        int last = 0;
        try (var files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher n = NUMBERED.matcher(f.getFileName().toString());
                if (n.matches()) {
                    last = Math.max(last, Integer.parseInt(n.group(1)));
                }
            }
        } catch (IOException | NumberFormatException e) {
            System.err.println("Could not read " + folder + ": " + e.getClass().getSimpleName());
        }
        return last;
    }

    private static final Pattern NUMBERED = Pattern.compile("(\\d{1,9})-.*\\.eml");

    @Override
    public void close() {
        writer.interrupt();
        server.stop();
    }
}
