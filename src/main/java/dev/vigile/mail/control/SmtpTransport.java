package dev.vigile.mail.control;

import dev.vigile.mail.Mail;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Sends one mail over SMTP with Jakarta Mail, as {@code VIGILE_MAIL_SMTP_*} say: {@code none}
 * (plain), {@code starttls} (required, never optional) or {@code tls} (implicit TLS), with the
 * server's certificate and host name checked. Without a host, nothing is sent and mail waits in
 * the outbox.
 */
@ApplicationScoped
public class SmtpTransport {
    private static final Logger LOG = Logger.getLogger(SmtpTransport.class.getName());

    @Inject
    @ConfigProperty(name = "vigile.mail.smtp.host")
    Optional<String> host;

    @Inject
    @ConfigProperty(name = "vigile.mail.smtp.port")
    Optional<Integer> port;

    @Inject
    @ConfigProperty(name = "vigile.mail.smtp.security", defaultValue = "starttls")
    String security;

    @Inject
    @ConfigProperty(name = "vigile.mail.smtp.user")
    Optional<String> user;

    @Inject
    @ConfigProperty(name = "vigile.mail.smtp.password")
    Optional<String> password;

    @Inject
    @ConfigProperty(name = "vigile.mail.from", defaultValue = "Vigile <no-reply@localhost>")
    String from;

    private Session session;
    private InternetAddress sender;

    @PostConstruct
    void init() {
        String mode = security.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("none") && !mode.equals("starttls") && !mode.equals("tls")) {
            throw new IllegalStateException("VIGILE_MAIL_SMTP_SECURITY must be none, starttls or tls, not " + security);
        }
        try {
            sender = new InternetAddress(from, true);
        } catch (MessagingException e) {
            throw new IllegalStateException("VIGILE_MAIL_FROM is not a valid address", e);
        }
        if (host.isEmpty() || host.get().isBlank()) {
            LOG.warning("No SMTP server is configured (VIGILE_MAIL_SMTP_HOST): mail waits in the outbox until one is");
            return;
        }
        String protocol = mode.equals("tls") ? "smtps" : "smtp";
        int p = port.orElse(
                switch (mode) {
                    case "tls" -> 465;
                    case "starttls" -> 587;
                    default -> 25;
                });
        Properties props = new Properties();
        String prefix = "mail." + protocol + ".";
        props.put("mail.transport.protocol", protocol);
        props.put(prefix + "host", host.get().trim());
        props.put(prefix + "port", String.valueOf(p));
        props.put(prefix + "connectiontimeout", "10000");
        props.put(prefix + "timeout", "30000");
        props.put(prefix + "writetimeout", "30000");
        if (mode.equals("starttls")) {
            props.put(prefix + "starttls.enable", "true");
            props.put(prefix + "starttls.required", "true");
        }
        if (!mode.equals("none")) {
            props.put(prefix + "ssl.checkserveridentity", "true");
        }
        Authenticator auth = null;
        if (user.isPresent() && !user.get().isBlank()) {
            props.put(prefix + "auth", "true");
            String name = user.get();
            String secret = password.orElse("");
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(name, secret);
                }
            };
        }
        session = Session.getInstance(props, auth);
        LOG.info("Mail goes through " + host.get().trim() + ":" + p + " (" + mode + ")");
    }

    /** Whether an SMTP server is configured. */
    public boolean configured() {
        return session != null;
    }

    public void send(Mail mail) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(sender);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.recipient(), true));
        message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        MimeBodyPart text = new MimeBodyPart();
        text.setText(mail.text(), StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(mail.html(), StandardCharsets.UTF_8.name(), "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        message.saveChanges();
        Transport.send(message);
    }
}
