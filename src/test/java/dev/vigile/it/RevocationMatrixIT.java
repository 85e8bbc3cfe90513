package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The revocation matrix of {@code docs/security.md} (issue 33), cell by cell: for each security
 * event (a column), two users holding every credential (a row) are built, the event happens, and
 * each credential is used as a client would use it. The table is read from the document, so the
 * document cannot say what the server does not do, and a row or column without a probe or a
 * scenario here fails.
 */
@SharedServer
class RevocationMatrixIT {
    static final String RESET = "Reset your password";
    static final String VERIFY = "Confirm your email address";
    static final String CHANGE = "Confirm your new email address";

    final TestServer server = TestServer.get();

    /** The table: column label → row label → "void", "keep" or "—". */
    static Map<String, Map<String, String>> matrix() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("docs/security.md"), StandardCharsets.UTF_8);
        int start = lines.indexOf("## Revocation matrix: what a security event voids, across features");
        assertTrue(start >= 0, "docs/security.md has no revocation matrix");
        int header = start;
        while (!lines.get(header).startsWith("| credential")) {
            header++;
        }
        List<String> columns = cells(lines.get(header));
        Map<String, Map<String, String>> byColumn = new LinkedHashMap<>();
        columns.subList(1, columns.size()).forEach(c -> byColumn.put(c, new LinkedHashMap<>()));
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> row = cells(lines.get(i));
            assertEquals(columns.size(), row.size(), "a cell for every column: " + lines.get(i));
            for (int c = 1; c < row.size(); c++) {
                assertTrue(
                        List.of("void", "keep", "—").contains(row.get(c)),
                        "cell " + row.get(c) + " in " + lines.get(i));
                byColumn.get(columns.get(c)).put(row.get(0), row.get(c));
            }
        }
        return byColumn;
    }

    private static List<String> cells(String line) {
        String inner = line.strip().substring(1, line.strip().length() - 1);
        return Arrays.stream(inner.split("\\|")).map(String::strip).toList();
    }

    static final List<String> ROWS = List.of(
            "session (refresh family)",
            "access token",
            "device token",
            "reset link",
            "verification link",
            "email-change link",
            "MFA challenge",
            "pending TOTP enrollment",
            "recovery codes",
            "passkey",
            "passkey session",
            "passkey registration");
    static final List<String> COLUMNS = List.of(
            "password change",
            "password reset",
            "logout-all",
            "admin sign-out",
            "disable",
            "delete",
            "email change",
            "MFA on",
            "MFA off",
            "MFA reset",
            "role change",
            "passkey added",
            "passkey removed");

    /**
     * The passkey rows first: the pending TOTP enrollment's probe may turn MFA on, after which a
     * password sign-in asks for a second step. The email-change link last: using it moves the
     * address the other probes sign in with.
     */
    static final List<String> PROBE_ORDER = Stream.of(
                    ROWS.stream().filter(r -> r.startsWith("passkey")),
                    ROWS.stream().filter(r -> !r.startsWith("passkey") && !r.equals("email-change link")),
                    Stream.of("email-change link"))
            .flatMap(x -> x)
            .toList();

    @Test
    void everyRowAndColumnOfTheDocumentHasItsProbeAndScenario() throws Exception {
        Map<String, Map<String, String>> m = matrix();
        assertEquals(COLUMNS, List.copyOf(m.keySet()), "the events this test can cause");
        for (var column : m.entrySet()) {
            assertEquals(ROWS, List.copyOf(column.getValue().keySet()), "the credentials this test can probe");
        }
    }

    @TestFactory
    Stream<DynamicTest> eachEventVoidsWhatTheMatrixSays() throws Exception {
        Map<String, Map<String, String>> m = matrix();
        return m.entrySet().stream()
                .map(column -> DynamicTest.dynamicTest(column.getKey(), () -> {
                    Api api = new Api();
                    String admin = api.adminToken();
                    Holder plain = Holder.plain(api, server);
                    Holder guarded = Holder.guarded(api, server);
                    event(column.getKey(), api, admin, plain, guarded);
                    List<String> wrong = new ArrayList<>();
                    for (String row : PROBE_ORDER) {
                        String expected = column.getValue().get(row);
                        if (expected.equals("—")) {
                            continue;
                        }
                        boolean mfaRow = row.equals("MFA challenge") || row.equals("recovery codes");
                        boolean mfaColumn = column.getKey().equals("MFA off")
                                || column.getKey().equals("MFA reset");
                        Holder h = mfaRow || mfaColumn ? guarded : plain;
                        String found = probe(row, api, h) ? "keep" : "void";
                        if (!found.equals(expected)) {
                            wrong.add(
                                    row + " after " + column.getKey() + ": " + found + ", the matrix says " + expected);
                        }
                    }
                    assertEquals(List.of(), wrong);
                }));
    }

    /** One user and every credential it holds, issued before the event. */
    static final class Holder {
        final Api api;
        final TestServer server;
        final String id;
        String email;
        String password;
        final String actor; // the access token that acts (the registration's session)
        JsonNode probed; // another session: its refresh and access tokens are probed
        String deviceToken;
        String resetLink;
        String verifyLink;
        String changeLink;
        String newEmail;
        String pendingSecret;
        String mfaToken;
        List<String> spareCodes = new ArrayList<>();
        long enrolledStep;
        String secret;
        boolean deleted;
        TestAuthenticator authenticator;
        String passkeyId;
        JsonNode passkeySession; // a session the passkey started
        String pendingPasskeyChallenge; // a registration asked for, not yet finished
        JsonNode pendingPasskeyCredential;

        private Holder(Api api, TestServer server, String email, String password, JsonNode registered) {
            this.api = api;
            this.server = server;
            this.email = email;
            this.password = password;
            this.id = registered.get("user").get("id").asText();
            this.actor = registered.get("access_token").asText();
        }

        static Holder register(Api api, TestServer server) {
            String email = Api.uniqueEmail();
            String password = "a matrix passphrase " + UUID.randomUUID();
            Api.Res r = api.register(email, password);
            assertEquals(201, r.status(), r.toString());
            return new Holder(api, server, email, password, r.json());
        }

        /** Without MFA: every common credential and a TOTP enrollment in progress. */
        static Holder plain(Api api, TestServer server) {
            Holder h = register(api, server);
            h.verifyLink = TestMail.awaitSubject(h.email, VERIFY).token();
            Api.Res login = api.login(h.email, h.password);
            assertEquals(200, login.status(), login.toString());
            h.probed = login.json();
            h.deviceToken = login.json().get("device_token").asText();
            h.mailedLinks();
            h.pendingSecret = MfaIT.startEnrollment(api, h.actor, h.password);
            h.passkeys();
            return h;
        }

        /** With MFA on a verified address: every common credential, a sign-in waiting for its factor and recovery codes. */
        static Holder guarded(Api api, TestServer server) throws Exception {
            Holder h = register(api, server);
            h.verifyLink = TestMail.awaitSubject(h.email, VERIFY).token();
            // Verified without using the link, which stays a live credential to probe.
            try (var c = server.db();
                    var ps = c.prepareStatement("update users set email_verified = true where id = ?")) {
                ps.setObject(1, UUID.fromString(h.id));
                assertEquals(1, ps.executeUpdate());
            }
            h.secret = MfaIT.startEnrollment(api, h.actor, h.password);
            h.enrolledStep = MfaIT.currentStep();
            Api.Res confirmed = api.post(
                    "/api/users/me/mfa/totp/confirm", obj("code", MfaIT.code(h.secret, h.enrolledStep)), h.actor);
            assertEquals(200, confirmed.status(), confirmed.toString());
            confirmed.json().get("recoveryCodes").forEach(c -> h.spareCodes.add(c.asText()));
            Api.Res signedIn =
                    api.post("/api/auth/login/mfa", obj("mfaToken", h.challenge(), "recoveryCode", h.spareCode()));
            assertEquals(200, signedIn.status(), signedIn.toString());
            h.probed = signedIn.json();
            h.deviceToken = signedIn.json().get("device_token").asText();
            h.mfaToken = h.challenge();
            h.mailedLinks();
            h.passkeys();
            return h;
        }

        /** A passkey, a session it started, and a second registration asked for and not finished. */
        void passkeys() {
            authenticator = new TestAuthenticator(server.webAuthnOrigin());
            passkeyId = PasskeysIT.addPasskey(api, authenticator, actor, password, "matrix")
                    .get("id")
                    .asText();
            passkeySession = PasskeysIT.signIn(api, authenticator);
            JsonNode options = PasskeysIT.creationOptions(api, actor, password);
            pendingPasskeyChallenge = options.get("challengeId").asText();
            pendingPasskeyCredential =
                    new TestAuthenticator(server.webAuthnOrigin()).register(options.get("publicKey"));
        }

        /** A new access token of this user, through the second step when it has one. */
        String freshToken() {
            Api.Res r = api.login(email, password);
            if (r.status() == 202) {
                r = api.post(
                        "/api/auth/login/mfa",
                        obj("mfaToken", r.json().get("mfa_token").asText(), "recoveryCode", spareCode()));
            }
            assertEquals(200, r.status(), r.toString());
            return r.json().get("access_token").asText();
        }

        void mailedLinks() {
            assertEquals(
                    202,
                    api.post("/api/auth/password-reset", obj("email", email)).status());
            resetLink = TestMail.awaitSubject(email, RESET).token();
            newEmail = Api.uniqueEmail();
            Api.Res asked =
                    api.put("/api/users/me/email", obj("newEmail", newEmail, "currentPassword", password), actor);
            assertEquals(202, asked.status(), asked.toString());
            changeLink = TestMail.awaitSubject(newEmail, CHANGE).token();
        }

        String challenge() {
            Api.Res r = api.login(email, password);
            assertEquals(202, r.status(), r.toString());
            return r.json().get("mfa_token").asText();
        }

        String spareCode() {
            return spareCodes.remove(0);
        }
    }

    private void event(String column, Api api, String admin, Holder plain, Holder guarded) throws Exception {
        switch (column) {
            case "password change" -> {
                for (Holder h : List.of(plain, guarded)) {
                    String next = "the changed passphrase " + UUID.randomUUID();
                    expect(
                            204,
                            api.put(
                                    "/api/users/me/password",
                                    obj("currentPassword", h.password, "newPassword", next),
                                    h.actor));
                    h.password = next;
                }
            }
            case "password reset" -> {
                String next = "the reset passphrase " + UUID.randomUUID();
                expect(
                        204,
                        api.post(
                                "/api/auth/password-reset/confirm",
                                obj("token", plain.resetLink, "newPassword", next)));
                plain.password = next;
                String other = "the reset passphrase " + UUID.randomUUID();
                expect(
                        204,
                        api.post(
                                "/api/auth/password-reset/confirm",
                                obj("token", guarded.resetLink, "newPassword", other, "mfaCode", guarded.spareCode())));
                guarded.password = other;
            }
            case "logout-all" -> {
                for (Holder h : List.of(plain, guarded)) {
                    expect(204, api.post("/api/auth/logout-all", null, h.actor));
                }
            }
            case "admin sign-out" -> {
                for (Holder h : List.of(plain, guarded)) {
                    expect(204, api.delete("/api/admin/users/" + h.id + "/sessions", admin));
                }
            }
            case "disable" -> {
                for (Holder h : List.of(plain, guarded)) {
                    expect(200, api.patch("/api/users/" + h.id, obj("enabled", false), admin));
                    expect(200, api.patch("/api/users/" + h.id, obj("enabled", true), admin));
                }
            }
            case "delete" -> {
                for (Holder h : List.of(plain, guarded)) {
                    expect(204, api.delete("/api/users/" + h.id, admin));
                    h.deleted = true;
                }
            }
            case "email change" -> {
                for (Holder h : List.of(plain, guarded)) {
                    expect(204, api.post("/api/auth/verify-email", obj("token", h.changeLink)));
                    h.email = h.newEmail;
                }
            }
            case "MFA on" -> {
                Api.Res on = api.post(
                        "/api/users/me/mfa/totp/confirm",
                        obj("code", MfaIT.code(plain.pendingSecret, MfaIT.currentStep())),
                        plain.actor);
                expect(200, on);
                on.json().get("recoveryCodes").forEach(c -> plain.spareCodes.add(c.asText()));
            }
            case "MFA off" -> {
                // A TOTP code is accepted once: wait for a step after the enrollment's.
                Awaitility.await()
                        .atMost(Duration.ofSeconds(75))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> MfaIT.currentStep() > guarded.enrolledStep);
                expect(
                        204,
                        api.call(
                                "DELETE",
                                "/api/users/me/mfa",
                                obj(
                                        "currentPassword",
                                        guarded.password,
                                        "code",
                                        MfaIT.code(guarded.secret, MfaIT.currentStep())),
                                guarded.actor));
            }
            case "MFA reset" -> expect(204, api.delete("/api/admin/users/" + guarded.id + "/mfa", admin));
            case "role change" -> {
                String role = Api.uniqueRole("MATRIX");
                expect(201, api.post("/api/admin/roles", obj("name", role, "permissions", List.of()), admin));
                for (Holder h : List.of(plain, guarded)) {
                    expect(200, api.put("/api/admin/users/" + h.id + "/roles", obj("roles", List.of(role)), admin));
                }
            }
            case "passkey added" -> {
                for (Holder h : List.of(plain, guarded)) {
                    PasskeysIT.addPasskey(
                            api, new TestAuthenticator(server.webAuthnOrigin()), h.actor, h.password, "another");
                }
            }
            case "passkey removed" -> {
                for (Holder h : List.of(plain, guarded)) {
                    expect(204, api.delete("/api/users/me/passkeys/" + h.passkeyId, h.actor));
                }
            }
            default -> throw new AssertionError("No scenario for the event \"" + column + "\"");
        }
    }

    private static void expect(int status, Api.Res r) {
        assertEquals(status, r.status(), r.toString());
    }

    /** Whether the credential still works. */
    private boolean probe(String row, Api api, Holder h) throws Exception {
        return switch (row) {
            case "access token" ->
                live(api.get("/api/users/me", h.probed.get("access_token").asText()), 200, 401);
            case "session (refresh family)" ->
                live(api.refresh(h.probed.get("refresh_token").asText()), 200, 401);
            case "reset link" -> {
                // A password the rules refuse: a live link answers with that, a dead one with invalid-token.
                Api.Res r =
                        api.post("/api/auth/password-reset/confirm", obj("token", h.resetLink, "newPassword", "short"));
                assertEquals(400, r.status(), r.toString());
                yield !r.json().get("type").asText().endsWith("/invalid-token");
            }
            case "verification link" -> live(api.post("/api/auth/verify-email", obj("token", h.verifyLink)), 204, 400);
            case "email-change link" -> live(api.post("/api/auth/verify-email", obj("token", h.changeLink)), 204, 400);
            case "device token" -> {
                if (h.deleted) {
                    yield count("select count(*) from device_tokens where token_hash = ?", sha256(h.deviceToken)) > 0;
                }
                String born = "select coalesce(max((extract(epoch from created_at) * 1000000)::bigint), 0)"
                        + " from device_tokens where token_hash = ?";
                long presentedBorn = count(born, sha256(h.deviceToken));
                Api.Res r = api.post(
                        "/api/auth/login", obj("email", h.email, "password", h.password, "deviceToken", h.deviceToken));
                boolean secondStep = r.status() == 202;
                if (secondStep) {
                    r = api.post(
                            "/api/auth/login/mfa",
                            obj("mfaToken", r.json().get("mfa_token").asText(), "recoveryCode", h.spareCode()));
                }
                assertEquals(200, r.status(), r.toString());
                String given = r.json().get("device_token").asText();
                if (!secondStep) {
                    // A trusted device keeps its token; an untrusted one is given a new device.
                    yield h.deviceToken.equals(given);
                }
                // A second step renews the token of a device it recognised, in that device's row
                // (created when the device was first trusted); a device it did not gets a new row.
                boolean sameDevice = presentedBorn != 0 && count(born, sha256(given)) == presentedBorn;
                h.deviceToken = given;
                yield sameDevice;
            }
            case "pending TOTP enrollment" -> {
                if (h.deleted) {
                    yield count("select count(*) from mfa_totp where user_id = ?", UUID.fromString(h.id)) > 0;
                }
                Api.Res in = api.login(h.email, h.password);
                assertEquals(200, in.status(), in.toString());
                Api.Res r = api.post(
                        "/api/users/me/mfa/totp/confirm",
                        obj("code", MfaIT.code(h.pendingSecret, MfaIT.currentStep())),
                        in.json().get("access_token").asText());
                // 409: no enrollment in progress (it was voided, or never begun).
                yield live(r, 200, 409);
            }
            case "MFA challenge" ->
                live(
                        api.post("/api/auth/login/mfa", obj("mfaToken", h.mfaToken, "recoveryCode", h.spareCode())),
                        200,
                        401);
            case "recovery codes" -> {
                if (h.deleted) {
                    yield count("select count(*) from mfa_recovery_codes where user_id = ?", UUID.fromString(h.id)) > 0;
                }
                Api.Res in = api.login(h.email, h.password);
                if (in.status() == 200) {
                    // No second factor is asked for any more: a code is live only if one is still stored unused.
                    yield count(
                                    "select count(*) from mfa_recovery_codes where user_id = ? and used_at is null",
                                    UUID.fromString(h.id))
                            > 0;
                }
                assertEquals(202, in.status(), in.toString());
                yield live(
                        api.post(
                                "/api/auth/login/mfa",
                                obj("mfaToken", in.json().get("mfa_token").asText(), "recoveryCode", h.spareCode())),
                        200,
                        401);
            }
            case "passkey" -> {
                if (h.deleted) {
                    yield count("select count(*) from passkeys where id = ?", UUID.fromString(h.passkeyId)) > 0;
                }
                JsonNode options = PasskeysIT.signInOptions(api);
                yield live(
                        PasskeysIT.signIn(api, options, h.authenticator.assertion(options.get("publicKey"))), 200, 401);
            }
            case "passkey session" ->
                live(api.refresh(h.passkeySession.get("refresh_token").asText()), 200, 401);
            case "passkey registration" -> {
                if (h.deleted) {
                    yield count(
                                    "select count(*) from passkey_challenges where id = ?",
                                    UUID.fromString(h.pendingPasskeyChallenge))
                            > 0;
                }
                yield live(
                        api.post(
                                "/api/users/me/passkeys",
                                obj("challengeId", h.pendingPasskeyChallenge, "credential", h.pendingPasskeyCredential),
                                h.freshToken()),
                        201,
                        400);
            }
            default -> throw new AssertionError("No probe for the credential \"" + row + "\"");
        };
    }

    private static boolean live(Api.Res r, int yes, int no) {
        assertTrue(r.status() == yes || r.status() == no, r.toString());
        return r.status() == yes;
    }

    private long count(String sql, Object param) throws Exception {
        return server.number(sql, param);
    }

    private static String sha256(String token) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
