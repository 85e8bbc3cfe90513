package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static dev.vigile.it.Api.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Password reset, email verification and email change, end to end: the mail is read from a real
 * SMTP server (GreenMail), and its link's token is used as a browser would.
 */
@SharedServer
class RecoveryIT {
    static final String RESET = "Reset your password";
    static final String VERIFY = "Confirm your email address";

    final Api api = new Api();
    final TestServer server = TestServer.get();

    record User(String id, String email, String password, JsonNode tokens) {
        String token() {
            return tokens.get("access_token").asText();
        }
    }

    User register() {
        String email = uniqueEmail();
        String password = "a recovery passphrase " + UUID.randomUUID();
        Api.Res r = api.register(email, password);
        assertEquals(201, r.status(), r.toString());
        return new User(r.json().get("user").get("id").asText(), email, password, r.json());
    }

    Api.Res requestReset(String email) {
        return api.post("/api/auth/password-reset", obj("email", email));
    }

    Api.Res confirm(String token, String password) {
        return api.post("/api/auth/password-reset/confirm", obj("token", token, "newPassword", password));
    }

    @Test
    void aResetMailsASingleUseLinkThatSignsOutEverywhere() throws Exception {
        User u = register();
        Api.Res other = api.login(u.email(), u.password());
        assertEquals(200, other.status());

        Api.Res asked = requestReset(u.email());
        assertEquals(202, asked.status(), asked.toString());
        assertEquals("", asked.body());

        TestMail.Received mail = TestMail.awaitSubject(u.email(), RESET);
        assertTrue(mail.html().contains("<a href=\"http"), mail.html());
        assertFalse(mail.html().contains("<img")
                || mail.html().contains("<link")
                || mail.html().contains("<script"));
        String token = mail.token();
        assertTrue(mail.text().contains("/account/reset#token=" + token), "the token rides in the fragment");
        assertEquals(
                0,
                server.number("select count(*) from email_tokens where token_hash = ?", token),
                "only the hash is stored");

        String newPassword = "the reset passphrase " + UUID.randomUUID();
        Api.Res done = confirm(token, newPassword);
        assertEquals(204, done.status(), done.toString());

        // Every session and access token ended, the registration's and the other login's.
        assertEquals(401, api.refresh(u.tokens().get("refresh_token").asText()).status());
        assertEquals(
                401, api.refresh(other.json().get("refresh_token").asText()).status());
        assertEquals(401, api.get("/api/users/me", u.token()).status());
        assertEquals(401, api.login(u.email(), u.password()).status(), "the old password is dead");
        Api.Res in = api.login(u.email(), newPassword);
        assertEquals(200, in.status(), in.toString());
        assertTrue(in.json().get("user").get("emailVerified").asBoolean(), "the reset mail proved the address");

        Api.Res again = confirm(token, "yet another passphrase " + UUID.randomUUID());
        assertEquals(400, again.status());
        assertEquals(
                "https://vigile.dev/problems/invalid-token",
                again.json().get("type").asText());
        assertEquals("application/problem+json", again.header("Content-Type"));

        TestMail.awaitSubject(u.email(), "Your password was reset");
        JsonNode notes = api.get(
                        "/api/notifications", in.json().get("access_token").asText())
                .json()
                .get("items");
        assertTrue(contains(notes, "kind", "password.changed"), notes.toString());
        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'auth.password.reset' and target_id = ?",
                        u.id()));
        assertFalse(Files.readString(server.log()).contains(token), "no mail token in the log");
        // Once sent, the outbox keeps who and when, not the bodies that carried the token.
        awaitCount(
                "select count(*) from mail_outbox where recipient = ? and subject = '" + RESET
                        + "' and sent_at is not null and text_body = '' and html_body = ''",
                u.email(),
                1);
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(
                        "select count(*) from mail_outbox where position(? in text_body) > 0 or position(? in html_body) > 0")) {
            ps.setString(1, token);
            ps.setString(2, token);
            var rs = ps.executeQuery();
            rs.next();
            assertEquals(0, rs.getInt(1), "the token is nowhere in the outbox");
        }
    }

    @Test
    void knownAndUnknownEmailsGetTheSameAnswerAndOnlyTheKnownAMail() throws Exception {
        User u = register();
        String unknown = uniqueEmail();
        Api.Res known = requestReset(u.email());
        Api.Res stranger = requestReset(unknown);
        assertEquals(known.status(), stranger.status());
        assertEquals(202, stranger.status());
        assertEquals(known.body(), stranger.body());
        assertEquals(headerNames(known), headerNames(stranger));

        TestMail.awaitSubject(u.email(), RESET);
        // The unknown email's request was handled (audited) and sent nothing.
        awaitCount(
                "select count(*) from audit_events where action = 'auth.password.reset.requested'"
                        + " and actor_email = ? and outcome = 'failure'",
                unknown,
                1);
        assertEquals(0, TestMail.to(unknown).size());
        assertEquals(0, server.number("select count(*) from mail_outbox where recipient = ?", unknown));
    }

    @Test
    void aNewerRequestVoidsTheOlderLinkAndAnExpiredLinkIsRefused() throws Exception {
        User u = register();
        assertEquals(202, requestReset(u.email()).status());
        String first = TestMail.await(u.email(), 2).stream()
                .filter(m -> m.subject().equals(RESET))
                .findFirst()
                .orElseThrow()
                .token();
        assertEquals(202, requestReset(u.email()).status());
        List<TestMail.Received> resets = awaitResets(u.email(), 2);
        String second = resets.get(1).token();
        Api.Res old = confirm(first, "a replacing passphrase " + UUID.randomUUID());
        assertEquals(400, old.status(), old.toString());
        assertEquals(
                "https://vigile.dev/problems/invalid-token",
                old.json().get("type").asText());

        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(
                        "update email_tokens set expires_at = now() - interval '1 second' where user_id = ? and purpose = 'reset'"
                                + " and used_at is null")) {
            ps.setObject(1, UUID.fromString(u.id()));
            assertEquals(1, ps.executeUpdate());
        }
        Api.Res expired = confirm(second, "a replacing passphrase " + UUID.randomUUID());
        assertEquals(400, expired.status());
        assertEquals(200, api.login(u.email(), u.password()).status(), "nothing changed");
    }

    @Test
    void resetRequestsAreThrottledPerEmailWhetherOrNotItHasAnAccount() {
        for (String email : List.of(register().email(), uniqueEmail())) {
            for (int i = 0; i < 3; i++) {
                assertEquals(202, requestReset(email).status());
            }
            Api.Res limited = requestReset(email);
            assertEquals(429, limited.status(), limited.toString());
            assertNotNull(limited.header("Retry-After"));
            assertEquals("application/problem+json", limited.header("Content-Type"));
        }
    }

    @Test
    void badResetBodiesAre400s() {
        for (Object body : List.of(
                obj("email", "not an email"),
                obj("email", "a@b.c\u0000"),
                obj(),
                obj("email", "x".repeat(400) + "@example.com"))) {
            Api.Res r = api.post("/api/auth/password-reset", body);
            assertEquals(400, r.status(), body + " " + r);
            assertEquals("application/problem+json", r.header("Content-Type"));
        }
        for (String token : List.of("", "short", "x".repeat(600), "\u0000" + "a".repeat(42))) {
            Api.Res r = confirm(token, "a perfectly fine passphrase");
            assertEquals(400, r.status(), r.toString());
        }
    }

    @Test
    void registrationMailsAVerificationLinkThatWorksOnce() throws Exception {
        User u = register();
        assertFalse(u.tokens().get("user").get("emailVerified").asBoolean());
        String token = TestMail.awaitSubject(u.email(), VERIFY).token();
        Api.Res verified = api.post("/api/auth/verify-email", obj("token", token));
        assertEquals(204, verified.status(), verified.toString());
        assertTrue(
                api.get("/api/users/me", u.token()).json().get("emailVerified").asBoolean());
        assertEquals(
                400, api.post("/api/auth/verify-email", obj("token", token)).status());
        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'user.email.verified' and target_id = ?",
                        u.id()));
        Api.Res again = api.post("/api/users/me/verify-email", null, u.token());
        assertEquals(409, again.status(), "already verified: " + again);
    }

    @Test
    void resendingVerificationVoidsTheOldLinkAndIsThrottled() {
        User u = register();
        TestMail.awaitSubject(u.email(), VERIFY);
        assertEquals(
                202, api.post("/api/users/me/verify-email", null, u.token()).status());
        assertEquals(
                202, api.post("/api/users/me/verify-email", null, u.token()).status());
        Api.Res limited = api.post("/api/users/me/verify-email", null, u.token());
        assertEquals(429, limited.status(), limited.toString());
        assertNotNull(limited.header("Retry-After"));
        List<TestMail.Received> mails = TestMail.await(u.email(), 3);
        List<String> tokens = mails.stream()
                .filter(m -> m.subject().equals(VERIFY))
                .map(TestMail.Received::token)
                .toList();
        assertEquals(3, tokens.size());
        assertEquals(
                400,
                api.post("/api/auth/verify-email", obj("token", tokens.get(0))).status(),
                "voided by the resend");
        assertEquals(
                204,
                api.post("/api/auth/verify-email", obj("token", tokens.get(2))).status());
        assertEquals(401, api.post("/api/users/me/verify-email", null, null).status());
    }

    @Test
    void anEmailChangeTakesEffectOnlyOnceTheNewAddressIsVerified() throws Exception {
        User u = register();
        String newEmail = uniqueEmail();
        Api.Res wrong = api.put(
                "/api/users/me/email", obj("newEmail", newEmail, "currentPassword", "not it at all"), u.token());
        assertEquals(400, wrong.status());
        assertEquals(
                "currentPassword",
                wrong.json().get("errors").get(0).get("field").asText());

        Api.Res asked = api.put(
                "/api/users/me/email",
                obj("newEmail", "  " + newEmail.toUpperCase() + " ", "currentPassword", u.password()),
                u.token());
        assertEquals(202, asked.status(), asked.toString());
        TestMail.Received notice = TestMail.awaitSubject(u.email(), "A change of your email address was asked");
        assertTrue(notice.text().contains(newEmail), notice.text());
        String token = TestMail.awaitSubject(newEmail, "Confirm your new email address")
                .token();
        assertEquals(
                u.email(),
                api.get("/api/users/me", u.token()).json().get("email").asText(),
                "not yet changed");

        assertEquals(
                204, api.post("/api/auth/verify-email", obj("token", token)).status());
        assertEquals(401, api.get("/api/users/me", u.token()).status(), "tokens naming the old email are cut off");
        JsonNode refreshed =
                api.refresh(u.tokens().get("refresh_token").asText()).json();
        assertEquals(
                newEmail,
                Api.claims(refreshed.get("access_token").asText()).get("upn").asText());
        JsonNode me =
                api.get("/api/users/me", refreshed.get("access_token").asText()).json();
        assertEquals(newEmail, me.get("email").asText());
        assertTrue(me.get("emailVerified").asBoolean());
        assertEquals(200, api.login(newEmail, u.password()).status());
        assertEquals(401, api.login(u.email(), u.password()).status());
        TestMail.awaitSubject(u.email(), "Your email address was changed");
        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'user.email.changed' and target_id = ?",
                        u.id()));
    }

    @Test
    void aTakenAddressIsRefusedAtConfirmationAndTheRolledBackChangeMailsNothing() throws Exception {
        User u = register();
        String wanted = uniqueEmail();
        assertEquals(
                202,
                api.put("/api/users/me/email", obj("newEmail", wanted, "currentPassword", u.password()), u.token())
                        .status());
        String token =
                TestMail.awaitSubject(wanted, "Confirm your new email address").token();
        register(wanted);

        Api.Res taken = api.post("/api/auth/verify-email", obj("token", token));
        assertEquals(409, taken.status(), taken.toString());
        assertEquals("application/problem+json", taken.header("Content-Type"));
        assertEquals(
                u.email(),
                api.get("/api/users/me", u.token()).json().get("email").asText());
        // The notice queued before the conflict rolled back with it: no row, no mail.
        assertEquals(
                0,
                server.number(
                        "select count(*) from mail_outbox where recipient = ? and subject = 'Your email address was changed'",
                        u.email()));
        assertEquals(
                1,
                server.number(
                        "select count(*) from email_tokens where user_id = ? and purpose = 'email_change' and used_at is null",
                        UUID.fromString(u.id())),
                "the token was not used up");
    }

    private void register(String email) {
        assertEquals(
                201,
                api.register(email, "someone else's passphrase " + UUID.randomUUID())
                        .status());
    }

    @Test
    void mailIsWrittenInTheUsersLanguage() {
        User u = register();
        assertEquals(
                200, api.patch("/api/users/me", obj("locale", "fr"), u.token()).status());
        assertEquals(
                400, api.patch("/api/users/me", obj("locale", "de"), u.token()).status());
        assertEquals(202, requestReset(u.email()).status());
        TestMail.Received fr = TestMail.awaitSubject(u.email(), "Réinitialisez votre mot de passe");
        assertTrue(fr.text().contains("Bonjour"), fr.text());

        // No stored preference: the request's Accept-Language decides.
        String email = uniqueEmail();
        Api.Res r = api.call(
                "POST",
                "/api/auth/register",
                obj("email", email, "password", "une phrase de passe " + UUID.randomUUID()),
                null,
                Map.of("Accept-Language", "fr-CA,fr;q=0.9,en;q=0.5"));
        assertEquals(201, r.status());
        TestMail.awaitSubject(email, "Confirmez votre adresse e-mail");
    }

    @Test
    void theOutboxKeepsMailThroughAnSmtpOutageAndSendsItOnce() throws Exception {
        User u = register();
        TestMail.awaitSubject(u.email(), VERIFY);
        TestMail.stop();
        try {
            assertEquals(202, requestReset(u.email()).status());
            // The worker tried, failed, and keeps the mail for a retry.
            awaitCount(
                    "select count(*) from mail_outbox where recipient = ? and subject = '" + RESET
                            + "' and sent_at is null and attempts >= 1 and last_error is not null",
                    u.email(),
                    1);
            // Readiness is not tied to SMTP: an instance without mail still serves.
            Api.Res ready = api.get("/health/ready", null);
            assertEquals(200, ready.status(), ready.toString());
            assertEquals("UP", ready.json().get("status").asText());
        } finally {
            TestMail.restart();
        }
        TestMail.Received mail = TestMail.awaitSubject(u.email(), RESET);
        assertEquals(
                204,
                confirm(mail.token(), "after the outage " + UUID.randomUUID()).status());
        awaitCount(
                "select count(*) from mail_outbox where recipient = ? and subject = '" + RESET
                        + "' and sent_at is not null and attempts >= 2",
                u.email(),
                1);
        assertEquals(
                1,
                TestMail.to(u.email()).stream()
                        .filter(m -> m.subject().equals(RESET))
                        .count(),
                "sent once");
        Api.Res metrics = api.metrics("?scope=application");
        assertTrue(
                metrics.body()
                        .lines()
                        .anyMatch(l -> l.startsWith("vigile_mail_total{") && l.contains("outcome=\"retried\"")),
                "retries are counted");
    }

    @Test
    void aSignInFromAClientWithoutADeviceTokenIsMailedAndOneFromAKnownDeviceIsNot() throws Exception {
        User u = register();
        String device = u.tokens().get("device_token").asText();
        Api.Res known =
                api.post("/api/auth/login", obj("email", u.email(), "password", u.password(), "deviceToken", device));
        assertEquals(200, known.status(), known.toString());
        Api.Res fresh = api.call(
                "POST",
                "/api/auth/login",
                obj("email", u.email(), "password", u.password()),
                null,
                Map.of("User-Agent", "NoticeTester/1.0"));
        assertEquals(200, fresh.status(), fresh.toString());
        // Both logins committed their mail, if any, with their answer: one notice, the fresh client's.
        assertEquals(
                1,
                server.number(
                        "select count(*) from mail_outbox where recipient = ? and subject = 'New sign-in to your account'",
                        u.email()));
        TestMail.Received notice = TestMail.awaitSubject(u.email(), "New sign-in to your account");
        assertTrue(notice.text().contains("NoticeTester/1.0"), notice.text());
        assertTrue(notice.text().contains(api.clientAddress()), notice.text());
    }

    private List<TestMail.Received> awaitResets(String email, int count) {
        List<TestMail.Received> got = org.awaitility.Awaitility.await("reset mails to " + email)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> TestMail.to(email).stream()
                                .filter(m -> m.subject().equals(RESET))
                                .toList(),
                        l -> l.size() >= count);
        assertEquals(count, got.size());
        return got;
    }

    private void awaitCount(String sql, Object param, long expected) throws Exception {
        org.awaitility.Awaitility.await(sql)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> server.number(sql, param) >= expected);
    }

    static boolean contains(JsonNode items, String field, String value) {
        for (JsonNode n : items) {
            if (value.equals(n.path(field).asText())) {
                return true;
            }
        }
        return false;
    }

    private java.util.Set<String> headerNames(Api.Res r) {
        java.util.Set<String> names = new java.util.TreeSet<>(api.headers(r).keySet());
        names.remove("date");
        names.remove("Date");
        return names;
    }
}
