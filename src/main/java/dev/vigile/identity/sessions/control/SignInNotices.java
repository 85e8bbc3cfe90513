package dev.vigile.identity.sessions.control;

import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/** The mail a sign-in from a device the account does not know sends its owner, in the sign-in's unit of work. */
@ApplicationScoped
public class SignInNotices {
    @Inject
    AccountMail mail;

    void newDevice(User user, ClientInfo client) {
        mail.notice(
                user,
                "new-device",
                client.acceptLanguage(),
                Map.of(
                        "ip", client.ip() == null ? "?" : client.ip(),
                        "userAgent", client.userAgent() == null ? "?" : client.userAgent()));
    }
}
