package dev.vigile.launcher;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

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

  private void keep(Path folder) {
    int written = 0;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        MimeMessage[] received = server.getReceivedMessages();
        for (; written < received.length; written++) {
          MimeMessage m = received[written];
          Address[] to = m.getAllRecipients();
          String recipient = to == null || to.length == 0 ? "unknown" : to[0].toString();
          Path file = folder.resolve(String.format("%04d-%s.eml", written + 1,
              recipient.replaceAll("[^A-Za-z0-9@._-]", "_")));
          try (OutputStream out = Files.newOutputStream(file)) {
            m.writeTo(out);
          }
          System.out.println("Mail to " + recipient + ": \"" + m.getSubject() + "\" -> " + file);
        }
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        System.err.println("Could not keep a received mail: " + e);
      }
    }
  }

  @Override
  public void close() {
    writer.interrupt();
    server.stop();
  }
}
