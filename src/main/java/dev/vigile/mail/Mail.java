package dev.vigile.mail;

import java.util.Objects;

/** One message to one recipient: its subject and both bodies. */
public record Mail(String recipient, String subject, String text, String html) {
    public Mail {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
    }
}
