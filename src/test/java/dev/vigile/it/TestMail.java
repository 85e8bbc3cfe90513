package dev.vigile.it;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The suite's SMTP server: a real GreenMail on 127.0.0.1, which the suite's Vigile sends to. Tests
 * wait for the mail to one recipient (each test uses fresh addresses) and read its token.
 */
public final class TestMail {
    private static GreenMail server;
    private static int port;

    private TestMail() {}

    /** A received mail: its recipient, subject and both bodies. */
    public record Received(String to, String subject, String text, String html) {
        /** The token of the link in the mail ({@code #token=...}). */
        public String token() {
            Matcher m = Pattern.compile("#token=([A-Za-z0-9_-]+)").matcher(text);
            if (!m.find()) {
                throw new AssertionError("No link with a token in: " + text);
            }
            return m.group(1);
        }
    }

    public static synchronized int start() throws java.io.IOException {
        port = TestServer.freePort();
        startOn(port);
        return port;
    }

    private static void startOn(int p) {
        server = new GreenMail(new ServerSetup(p, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
    }

    /** The port the suite's SMTP server listens on (for servers a test starts itself). */
    public static synchronized int port() {
        return port;
    }

    /** Stops the SMTP server (an outage): what it received is forgotten. */
    public static synchronized void stop() {
        server.stop();
    }

    /** Starts it again on the same port. */
    public static synchronized void restart() {
        startOn(port);
    }

    public static synchronized void close() {
        if (server != null) {
            server.stop();
        }
    }

    /** Every mail received so far for this address (case-insensitive). */
    public static synchronized List<Received> to(String address) {
        List<Received> out = new ArrayList<>();
        try {
            for (MimeMessage m : server.getReceivedMessages()) {
                var recipients = m.getRecipients(Message.RecipientType.TO);
                if (recipients == null) {
                    continue;
                }
                for (var r : recipients) {
                    if (r.toString().equalsIgnoreCase(address)) {
                        out.add(read(m, r.toString()));
                    }
                }
            }
        } catch (Exception e) {
            throw new AssertionError("Could not read the received mail", e);
        }
        return out;
    }

    /** Waits (generously) until {@code count} mails reached the address; returns them all. */
    public static List<Received> await(String address, int count) {
        try {
            return Awaitility.await("mail to " + address)
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> to(address), got -> got.size() >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "Expected " + count + " mail(s) to " + address + ", got "
                            + to(address).stream().map(Received::subject).toList(),
                    e);
        }
    }

    /** Waits for a mail to the address whose subject contains {@code subject}; the newest such. */
    public static Received awaitSubject(String address, String subject) {
        try {
            List<Received> got = Awaitility.await("mail \"" + subject + "\" to " + address)
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> to(address).stream()
                                    .filter(r -> r.subject().contains(subject))
                                    .toList(),
                            l -> !l.isEmpty());
            return got.get(got.size() - 1);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "No mail \"" + subject + "\" to " + address + "; got "
                            + to(address).stream().map(Received::subject).toList(),
                    e);
        }
    }

    private static Received read(MimeMessage m, String to) throws Exception {
        String text = null;
        String html = null;
        Object content = m.getContent();
        if (content instanceof Multipart multi) {
            for (int i = 0; i < multi.getCount(); i++) {
                BodyPart part = multi.getBodyPart(i);
                if (part.isMimeType("text/plain")) {
                    text = (String) part.getContent();
                } else if (part.isMimeType("text/html")) {
                    html = (String) part.getContent();
                }
            }
        } else {
            text = String.valueOf(content);
        }
        return new Received(to, m.getSubject(), text, html);
    }
}
