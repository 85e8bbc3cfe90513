package dev.vigile.identity.accounts.control;

import dev.vigile.identity.accounts.entity.User;
import dev.vigile.mail.MailTemplates;
import dev.vigile.mail.Mailer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The mail the identity feature sends, queued in the caller's transaction. Links point at the
 * account page under {@code VIGILE_PUBLIC_URL} and carry the token in the fragment, which
 * browsers send neither to servers nor in {@code Referer}.
 */
@ApplicationScoped
public class AccountMail {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Inject
    Mailer mailer;

    @Inject
    MailTemplates templates;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "vigile.public-url")
    Optional<String> publicUrl;

    /** A link to an account page with the token in its fragment. */
    String link(String page, String token) {
        String base = linkBase(publicUrl, System.getenv("VIGILE_PORT"));
        return base + "/account/" + page + "#token=" + token;
    }

    /**
     * The base of mailed links: {@code VIGILE_PUBLIC_URL}, else this machine on the port the run
     * mode listens on ({@code VIGILE_PORT}, 8080 by default), so that a dev run on another port
     * mails links that open.
     */
    static String linkBase(Optional<String> publicUrl, String port) {
        String base = publicUrl
                .filter(u -> !u.isBlank())
                .orElseGet(() -> "http://localhost:"
                        + (port != null && port.strip().matches("[0-9]{1,5}") ? port.strip() : "8080"));
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public void verification(User user, String token, Duration ttl, String acceptLanguage) {
        send(
                user,
                user.email(),
                "verify-email",
                acceptLanguage,
                Map.of("email", user.email(), "link", link("verify", token), "hours", hours(ttl)));
    }

    public void emailChange(User user, String newEmail, String token, Duration ttl, String acceptLanguage) {
        send(
                user,
                newEmail,
                "email-change-verify",
                acceptLanguage,
                Map.of("email", newEmail, "link", link("verify", token), "hours", hours(ttl)));
        notice(user, "email-change-requested", acceptLanguage, Map.of("newEmail", newEmail));
    }

    public void passwordReset(User user, String token, Duration ttl, String acceptLanguage) {
        send(
                user,
                user.email(),
                "password-reset",
                acceptLanguage,
                Map.of("link", link("reset", token), "minutes", String.valueOf(Math.max(1, ttl.toMinutes()))));
    }

    /** A notice to the user's current address, stamped with the time. */
    public void notice(User user, String template, String acceptLanguage, Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.put("time", TIME.format(clock.instant()));
        send(user, user.email(), template, acceptLanguage, all);
    }

    private void send(User user, String to, String template, String acceptLanguage, Map<String, String> values) {
        String lang = MailTemplates.language(user.locale(), acceptLanguage);
        mailer.queue(templates.render(template, lang, to, values));
    }

    private static String hours(Duration ttl) {
        return String.valueOf(Math.max(1, ttl.toHours()));
    }
}
