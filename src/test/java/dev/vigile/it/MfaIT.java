package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static dev.vigile.it.Api.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;

/**
 * TOTP multi-factor authentication: enrollment, the two-step login, replay, drift, recovery codes,
 * throttling, the roles that require MFA, and the administrator's reset.
 */
@SharedServer
class MfaIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    /** A user with TOTP on: the secret, the recovery codes, and the last time step used. */
    static final class Enrolled {
        final String id;
        final String email;
        final String password;
        final String secret;
        final List<String> recoveryCodes;
        JsonNode tokens;
        long lastStep;

        Enrolled(
                String id,
                String email,
                String password,
                String secret,
                List<String> codes,
                JsonNode tokens,
                long step) {
            this.id = id;
            this.email = email;
            this.password = password;
            this.secret = secret;
            this.recoveryCodes = codes;
            this.tokens = tokens;
            this.lastStep = step;
        }

        /** A code of a step later than any used so far, within the server's drift window. */
        String nextCode() {
            long now = currentStep();
            long step = Math.max(now - 1, lastStep + 1);
            if (step > now + 1) {
                // Every code of the window was used: wait for the next step.
                awaitStep(step - 1);
            }
            lastStep = step;
            return code(secret, step);
        }
    }

    static long currentStep() {
        return Instant.now().getEpochSecond() / 30;
    }

    /**
     * The step before the current one, for an enrollment: the server accepts one step of drift,
     * so confirming with it leaves the current and the next step's codes for what the test does
     * next, without waiting for the clock. Near a step's end it waits for the next step first, so
     * the server's clock cannot tick past the window between here and the request.
     */
    static long previousStep() {
        if (Instant.now().getEpochSecond() % 30 >= 27) {
            awaitStep(currentStep() + 1);
        }
        return currentStep() - 1;
    }

    static void awaitStep(long step) {
        org.awaitility.Awaitility.await("TOTP step " + step)
                .atMost(Duration.ofSeconds(75))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> currentStep() >= step);
    }

    static String code(String secret, long step) {
        try {
            TimeBasedOneTimePasswordGenerator g = new TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30));
            return g.generateOneTimePasswordString(
                    new SecretKeySpec(new Base32().decode(secret), g.getAlgorithm()), Instant.ofEpochSecond(step * 30));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Starts an enrollment for the holder of this token; the secret. */
    static String startEnrollment(Api api, String token, String password) {
        Api.Res started = api.post("/api/users/me/mfa/totp", obj("currentPassword", password), token);
        assertEquals(200, started.status(), started.toString());
        AccessMatrixIT.lastSecret = started.json().get("secret").asText();
        return AccessMatrixIT.lastSecret;
    }

    /** Confirms it with the current step's code; that step. */
    static long confirmEnrollment(Api api, String token, String secret) {
        long step = currentStep();
        Api.Res confirmed = api.post("/api/users/me/mfa/totp/confirm", obj("code", code(secret, step)), token);
        assertEquals(200, confirmed.status(), confirmed.toString());
        return step;
    }

    JsonNode register(String email, String password) {
        Api.Res r = api.register(email, password);
        assertEquals(201, r.status(), r.toString());
        return r.json();
    }

    /** Registers a user and turns TOTP on, checking each step. */
    Enrolled enrolled() {
        String email = uniqueEmail();
        String password = "an mfa passphrase " + UUID.randomUUID();
        JsonNode t = register(email, password);
        return enroll(t.get("user").get("id").asText(), email, password, t);
    }

    Enrolled enroll(String id, String email, String password, JsonNode t) {
        String token = t.get("access_token").asText();
        Api.Res started = api.post("/api/users/me/mfa/totp", obj("currentPassword", password), token);
        assertEquals(200, started.status(), started.toString());
        assertEquals("no-store", started.header("Cache-Control"));
        String secret = started.json().get("secret").asText();
        long step = previousStep();
        String code = code(secret, step);
        Api.Res confirmed = api.post("/api/users/me/mfa/totp/confirm", obj("code", code), token);
        assertEquals(200, confirmed.status(), confirmed.toString());
        List<String> codes = new ArrayList<>();
        confirmed.json().get("recoveryCodes").forEach(c -> codes.add(c.asText()));
        return new Enrolled(id, email, password, secret, codes, t, step);
    }

    String challenge(Enrolled u) {
        Api.Res r = api.login(u.email, u.password);
        assertEquals(202, r.status(), r.toString());
        return r.json().get("mfa_token").asText();
    }

    Api.Res second(String mfaToken, String field, String value) {
        return api.post("/api/auth/login/mfa", obj("mfaToken", mfaToken, field, value));
    }

    @Test
    void enrollmentIsConfirmedByACodeAndThenSignInTakesTwoSteps() throws Exception {
        String email = uniqueEmail();
        String password = "an mfa passphrase " + UUID.randomUUID();
        JsonNode t = register(email, password);
        String token = t.get("access_token").asText();
        String id = t.get("user").get("id").asText();

        Api.Res wrongPassword = api.post("/api/users/me/mfa/totp", obj("currentPassword", "not my password"), token);
        assertEquals(400, wrongPassword.status());
        Api.Res started = api.post("/api/users/me/mfa/totp", obj("currentPassword", password), token);
        assertEquals(200, started.status(), started.toString());
        String secret = started.json().get("secret").asText();
        assertTrue(secret.matches("[A-Z2-7]{32}"), secret);
        String uri = started.json().get("otpauthUri").asText();
        assertTrue(
                uri.startsWith("otpauth://totp/Vigile:")
                        && uri.contains("secret=" + secret)
                        && uri.contains("issuer=Vigile"),
                uri);
        assertTrue(started.json().get("qrCodeSvg").asText().startsWith("<svg"), "a QR code drawn on the server");
        String stored = stringFromDb("select secret from mfa_totp where user_id = ?", id);
        assertFalse(stored.contains(secret), "the secret is sealed at rest");
        assertFalse(api.get("/api/users/me", token).json().get("mfaEnabled").asBoolean());
        assertEquals(200, api.login(email, password).status(), "nothing enforced before confirmation");

        Api.Res wrong = api.post(
                "/api/users/me/mfa/totp/confirm",
                obj("code", "000000".equals(code(secret, currentStep())) ? "111111" : "000000"),
                token);
        assertEquals(400, wrong.status(), wrong.toString());
        long step = previousStep();
        Api.Res confirmed = api.post("/api/users/me/mfa/totp/confirm", obj("code", code(secret, step)), token);
        assertEquals(200, confirmed.status(), confirmed.toString());
        JsonNode codes = confirmed.json().get("recoveryCodes");
        assertEquals(10, codes.size());
        HashSet<String> distinct = new HashSet<>();
        codes.forEach(c -> distinct.add(c.asText()));
        assertEquals(10, distinct.size());
        assertEquals(
                0,
                server.number(
                        "select count(*) from mfa_recovery_codes where code_hash = ?",
                        codes.get(0).asText()));
        assertTrue(api.get("/api/users/me", token).json().get("mfaEnabled").asBoolean());
        assertEquals(
                409,
                api.post("/api/users/me/mfa/totp", obj("currentPassword", password), token)
                        .status());

        Api.Res first = api.login(email, password);
        assertEquals(202, first.status(), first.toString());
        JsonNode body = first.json();
        assertTrue(body.get("mfa_required").asBoolean());
        assertEquals(300, body.get("expires_in").asLong());
        assertEquals("[\"totp\",\"recovery_code\"]", body.get("methods").toString());
        assertNull(body.get("access_token"));
        assertNull(body.get("refresh_token"));

        Enrolled u = new Enrolled(id, email, password, secret, List.of(), t, step);
        Api.Res in = second(body.get("mfa_token").asText(), "code", u.nextCode());
        assertEquals(200, in.status(), in.toString());
        JsonNode claims = Api.claims(in.json().get("access_token").asText());
        assertEquals("[\"pwd\",\"otp\"]", claims.get("amr").toString());
        Api.Res refreshed = api.refresh(in.json().get("refresh_token").asText());
        assertEquals(
                "[\"pwd\",\"otp\"]",
                Api.claims(refreshed.json().get("access_token").asText())
                        .get("amr")
                        .toString(),
                "refreshes keep the second factor");
        assertEquals(
                401,
                second(body.get("mfa_token").asText(), "code", u.nextCode()).status(),
                "the mfa_token is single-use");

        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'user.mfa.enabled' and outcome = 'success' and target_id = ?",
                        id));
        TestMail.awaitSubject(email, "Two-step verification is on");
        JsonNode notes = api.get(
                        "/api/notifications", in.json().get("access_token").asText())
                .json()
                .get("items");
        assertTrue(RecoveryIT.contains(notes, "kind", "mfa.changed"), notes.toString());
    }

    /**
     * Every successful login hands the client a device token (API.md), a second step's too: a
     * device recognised at the first step gets a new token in place of the one it presented (the
     * step's challenge kept only the device's id), so the device stays one row and the next login that
     * presents the new token is recognised. Before, the answer had no {@code device_token}.
     */
    @Test
    void aSecondStepFromAKnownDeviceHandsOutANewTokenForThatDevice() throws Exception {
        Enrolled u = enrolled();
        Api.Res first = second(challenge(u), "recoveryCode", u.recoveryCodes.get(0));
        assertEquals(200, first.status(), first.toString());
        String device = first.json().get("device_token").asText();
        long rows = server.number("select count(*) from device_tokens where user_id = ?::uuid", u.id);

        Api.Res step =
                api.post("/api/auth/login", obj("email", u.email, "password", u.password, "deviceToken", device));
        assertEquals(202, step.status(), step.toString());
        Api.Res in = second(step.json().get("mfa_token").asText(), "recoveryCode", u.recoveryCodes.get(1));
        assertEquals(200, in.status(), in.toString());
        assertTrue(in.json().hasNonNull("device_token"), "a device token in the second step's answer: " + in);
        String renewed = in.json().get("device_token").asText();
        assertFalse(renewed.equals(device), "a new token, not the one presented");
        assertEquals(
                rows,
                server.number("select count(*) from device_tokens where user_id = ?::uuid", u.id),
                "the same device: no row added");
        assertEquals(
                1,
                server.number(
                        "select count(*) from device_tokens where token_hash = ?",
                        dev.vigile.security.OpaqueTokens.hash(renewed)));
        assertEquals(
                0,
                server.number(
                        "select count(*) from device_tokens where token_hash = ?",
                        dev.vigile.security.OpaqueTokens.hash(device)),
                "the token it replaced is void");

        // The next login presents the new token and is recognised: its second step renews it again.
        Api.Res again =
                api.post("/api/auth/login", obj("email", u.email, "password", u.password, "deviceToken", renewed));
        assertEquals(202, again.status(), again.toString());
        Api.Res in2 = second(again.json().get("mfa_token").asText(), "recoveryCode", u.recoveryCodes.get(2));
        assertEquals(200, in2.status(), in2.toString());
        assertFalse(renewed.equals(in2.json().get("device_token").asText()));
        assertEquals(rows, server.number("select count(*) from device_tokens where user_id = ?::uuid", u.id));
    }

    /**
     * The body-free form of turning MFA off (issue 35: a DELETE with a body is refused by some
     * servers and proxies): the same checks and effects as {@code DELETE /api/users/me/mfa}.
     */
    @Test
    void mfaIsTurnedOffByPostAsByDelete() throws Exception {
        Enrolled u = enrolled();
        String token = u.tokens.get("access_token").asText();
        Api.Res wrongCode =
                api.post("/api/users/me/mfa/disable", obj("currentPassword", u.password, "code", "000000"), token);
        assertEquals(400, wrongCode.status(), wrongCode.toString());
        assertEquals(
                "application/problem+json", wrongCode.header("Content-Type").split(";")[0]);
        Api.Res wrongPassword = api.post(
                "/api/users/me/mfa/disable", obj("currentPassword", "not the password", "code", u.nextCode()), token);
        assertEquals(400, wrongPassword.status(), wrongPassword.toString());
        assertEquals(1, server.number("select count(*) from mfa_totp where user_id = ?", UUID.fromString(u.id)));
        Api.Res off =
                api.post("/api/users/me/mfa/disable", obj("currentPassword", u.password, "code", u.nextCode()), token);
        assertEquals(204, off.status(), off.toString());
        assertEquals(0, server.number("select count(*) from mfa_totp where user_id = ?", UUID.fromString(u.id)));
        assertEquals(200, api.login(u.email, u.password).status(), "one step again");
        Api.Res again =
                api.post("/api/users/me/mfa/disable", obj("currentPassword", u.password, "code", "123456"), token);
        assertEquals(409, again.status(), "MFA is already off: " + again);
        TestMail.awaitSubject(u.email, "Two-step verification is off");
    }

    @Test
    void aCodeIsAcceptedOnceWithinOneStepOfDrift() throws Exception {
        Enrolled u = enrolled();
        String code = u.nextCode();
        assertEquals(200, second(challenge(u), "code", code).status());
        Api.Res replay = second(challenge(u), "code", code);
        assertEquals(401, replay.status(), "a replayed code: " + replay);
        assertEquals(
                "https://vigile.dev/problems/invalid-mfa-code",
                replay.json().get("type").asText());
        assertNotNull(replay.header("WWW-Authenticate"));

        long now = currentStep();
        assertEquals(401, second(challenge(u), "code", code(u.secret, now + 3)).status(), "three steps ahead");
        assertEquals(401, second(challenge(u), "code", code(u.secret, now - 3)).status(), "three steps behind");
        // One step ahead of the server's clock is accepted.
        awaitStep(Math.max(now, u.lastStep));
        long ahead = currentStep() + 1;
        assertEquals(200, second(challenge(u), "code", code(u.secret, ahead)).status());
        assertTrue(server.number(
                        "select count(*) from audit_events where action = 'auth.login.mfa.failed' and target_id = ?",
                        u.id)
                >= 3);
    }

    @Test
    void aRecoveryCodeWorksOnceEvenWhenTwoSignInsRaceForIt() throws Exception {
        Enrolled u = enrolled();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String recovery = u.recoveryCodes.get(round);
                String a = challenge(u);
                String b = challenge(u);
                List<Callable<Integer>> both = List.of(
                        () -> second(a, "recoveryCode", recovery.toUpperCase()).status(),
                        () -> second(b, "recoveryCode", recovery).status());
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : pool.invokeAll(both)) {
                    statuses.add(f.get());
                }
                statuses.sort(null);
                assertEquals(List.of(200, 401), statuses, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(
                5,
                server.number(
                        "select count(*) from mfa_recovery_codes where user_id = ? and used_at is not null",
                        UUID.fromString(u.id)));
    }

    @Test
    void fiveWrongCodesVoidTheMfaTokenAndMoreAreThrottled() {
        Enrolled u = enrolled();
        String token = challenge(u);
        for (int i = 0; i < 5; i++) {
            assertEquals(401, second(token, "code", "12345" + i).status());
        }
        assertEquals(401, second(token, "code", u.nextCode()).status(), "voided by five wrong codes");
        String next = challenge(u);
        for (int i = 0; i < 5; i++) {
            assertEquals(401, second(next, "code", "65432" + i).status());
        }
        String third = challenge(u);
        assertEquals(401, second(third, "code", "000001").status());
        assertEquals(401, second(third, "code", "000002").status());
        Api.Res limited = second(third, "code", u.nextCode());
        assertEquals(429, limited.status(), "12 codes per 10 minutes in the suite: " + limited);
        assertNotNull(limited.header("Retry-After"));
    }

    @Test
    void recoveryCodesAreRenewedAndMfaTurnedOffWithPasswordAndCode() throws Exception {
        Enrolled u = enrolled();
        String token = u.tokens.get("access_token").asText();
        Api.Res renewed = api.post("/api/users/me/mfa/recovery-codes", obj("code", u.nextCode()), token);
        assertEquals(200, renewed.status(), renewed.toString());
        assertEquals(10, renewed.json().get("recoveryCodes").size());
        assertEquals(
                401,
                second(challenge(u), "recoveryCode", u.recoveryCodes.get(0)).status(),
                "the old set is void");
        assertEquals(
                200,
                second(
                                challenge(u),
                                "recoveryCode",
                                renewed.json().get("recoveryCodes").get(0).asText())
                        .status());

        Api.Res wrong =
                api.call("DELETE", "/api/users/me/mfa", obj("currentPassword", u.password, "code", "000000"), token);
        assertEquals(400, wrong.status());
        // A right code with a wrong password is refused and uses nothing up: the same code then works.
        String next = u.nextCode();
        Api.Res badPassword =
                api.call("DELETE", "/api/users/me/mfa", obj("currentPassword", "nope nope nope", "code", next), token);
        assertEquals(400, badPassword.status());
        Api.Res off = api.call("DELETE", "/api/users/me/mfa", obj("currentPassword", u.password, "code", next), token);
        assertEquals(204, off.status(), off.toString());
        assertEquals(200, api.login(u.email, u.password).status(), "one step again");
        assertEquals(0, server.number("select count(*) from mfa_totp where user_id = ?", UUID.fromString(u.id)));
        TestMail.awaitSubject(u.email, "Two-step verification is off");
    }

    @Test
    void aResetNeverBypassesTheSecondFactor() {
        Enrolled u = enrolled();
        assertEquals(
                202, api.post("/api/auth/password-reset", obj("email", u.email)).status());
        String token = TestMail.awaitSubject(u.email, "Reset your password").token();
        String next = "a new mfa passphrase " + UUID.randomUUID();
        Api.Res missing = api.post("/api/auth/password-reset/confirm", obj("token", token, "newPassword", next));
        assertEquals(400, missing.status());
        assertEquals(
                "https://vigile.dev/problems/invalid-mfa-code",
                missing.json().get("type").asText());
        Api.Res wrong = api.post(
                "/api/auth/password-reset/confirm", obj("token", token, "newPassword", next, "mfaCode", "000000"));
        assertEquals(400, wrong.status());
        assertEquals(202, api.login(u.email, u.password).status(), "the password is unchanged");
        Api.Res done = api.post(
                "/api/auth/password-reset/confirm",
                obj("token", token, "newPassword", next, "mfaCode", u.recoveryCodes.get(0)));
        assertEquals(204, done.status(), done.toString());
        assertEquals(202, api.login(u.email, next).status(), "MFA stays on after a reset");
    }

    /**
     * Issue 33, hole 3: a squatter registers the owner's address, never verifies it, and turns on
     * TOTP. Past the verification window, the owner's reset by mail wins the address back: the
     * squatter's factor and everything they held are gone.
     */
    @Test
    void aResetPastTheVerificationWindowOfAnUnverifiedAddressDropsTheSquattersFactor() throws Exception {
        Enrolled squatter = enrolled();
        Api.Res other = api.login(squatter.email, squatter.password);
        assertEquals(202, other.status());
        registeredLongAgoAndNeverVerified(squatter.id);
        assertEquals(
                202,
                api.post("/api/auth/password-reset", obj("email", squatter.email))
                        .status());
        String token =
                TestMail.awaitSubject(squatter.email, "Reset your password").token();
        String owners = "the owner's own passphrase " + UUID.randomUUID();
        Api.Res done = api.post("/api/auth/password-reset/confirm", obj("token", token, "newPassword", owners));
        assertEquals(204, done.status(), done.toString());

        Api.Res in = api.login(squatter.email, owners);
        assertEquals(200, in.status(), "no second factor is asked for: " + in);
        JsonNode me =
                api.get("/api/users/me", in.json().get("access_token").asText()).json();
        assertTrue(me.get("emailVerified").asBoolean(), me.toString());
        assertFalse(me.get("mfaEnabled").asBoolean(), me.toString());
        assertEquals(0, server.number("select count(*) from mfa_totp where user_id = ?", UUID.fromString(squatter.id)));
        assertEquals(
                0,
                server.number(
                        "select count(*) from mfa_recovery_codes where user_id = ?", UUID.fromString(squatter.id)));
        assertEquals(
                401,
                api.refresh(squatter.tokens.get("refresh_token").asText()).status(),
                "the squatter's session ended");
        assertEquals(
                401,
                api.post(
                                "/api/auth/login/mfa",
                                obj(
                                        "mfaToken",
                                        other.json().get("mfa_token").asText(),
                                        "recoveryCode",
                                        squatter.recoveryCodes.get(0)))
                        .status(),
                "and their pending sign-in");
        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'user.mfa.disabled' and target_id = ?"
                                + " and details->>'by' = 'password-reset'",
                        squatter.id));
        TestMail.awaitSubject(squatter.email, "Two-step verification is off");

        // An account an administrator gave a role beyond USER was vouched for: its factor stays.
        String admin = api.adminToken();
        String role = Api.uniqueRole("VOUCHED");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", role, "permissions", List.of()), admin)
                        .status());
        Enrolled vouched = enrolled();
        assertEquals(
                200,
                api.put("/api/admin/users/" + vouched.id + "/roles", obj("roles", List.of(role)), admin)
                        .status());
        registeredLongAgoAndNeverVerified(vouched.id);
        assertEquals(
                202,
                api.post("/api/auth/password-reset", obj("email", vouched.email))
                        .status());
        String link =
                TestMail.awaitSubject(vouched.email, "Reset your password").token();
        Api.Res refused = api.post("/api/auth/password-reset/confirm", obj("token", link, "newPassword", owners));
        assertEquals(400, refused.status(), refused.toString());
        assertEquals(
                "https://vigile.dev/problems/invalid-mfa-code",
                refused.json().get("type").asText());
    }

    /** As if the account was registered 25 hours ago and never verified: every verification link expired. */
    private void registeredLongAgoAndNeverVerified(String id) throws Exception {
        try (var c = server.db();
                var ps = c.prepareStatement(
                        "update users set created_at = now() - interval '25 hours' where id = ? and not email_verified")) {
            ps.setObject(1, UUID.fromString(id));
            assertEquals(1, ps.executeUpdate());
        }
    }

    @Test
    void anAdminResetsMfaOnlyOverLessPrivilegedUsers() throws Exception {
        String admin = api.adminToken();
        Enrolled u = enrolled();
        Api.Account plain = api.account(admin);
        assertEquals(
                403,
                api.delete("/api/admin/users/" + u.id + "/mfa", plain.token()).status());
        String writer = Api.uniqueRole("MFAW");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", writer, "permissions", List.of("users:write")), admin)
                        .status());
        Api.Account w = api.account(admin, writer);
        Api.Account target = api.account(admin, "ADMIN");
        Api.Res over = api.delete("/api/admin/users/" + target.id() + "/mfa", w.token());
        assertEquals(403, over.status(), "an ADMIN holds permissions the caller lacks: " + over);
        assertEquals(
                409,
                api.delete("/api/admin/users/" + target.id() + "/mfa", admin).status(),
                "no second factor");
        assertEquals(
                404,
                api.delete("/api/admin/users/" + UUID.randomUUID() + "/mfa", admin)
                        .status());
        assertEquals(404, api.delete("/api/admin/users/not-a-uuid/mfa", admin).status());

        Api.Res reset = api.delete("/api/admin/users/" + u.id + "/mfa", w.token());
        assertEquals(204, reset.status(), reset.toString());
        assertEquals(200, api.login(u.email, u.password).status());
        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'user.mfa.disabled' and target_id = ?",
                        u.id));
        TestMail.awaitSubject(u.email, "Two-step verification is off");
    }

    /**
     * The suite names MFA_GUARDED (TestServer). It grants no permission: one it granted would be a
     * subset of ADMIN's, and then every admin of the suite would have to use MFA too.
     */
    static synchronized void ensureGuardedRole(Api api, String admin) {
        List<String> existing = new ArrayList<>();
        api.get("/api/admin/roles", admin)
                .json()
                .forEach(r -> existing.add(r.get("name").asText()));
        if (!existing.contains("MFA_GUARDED")) {
            Api.Res r = api.post("/api/admin/roles", obj("name", "MFA_GUARDED", "permissions", List.of()), admin);
            assertTrue(r.status() == 201 || r.status() == 409, r.toString());
        }
    }

    /** A refresh reads the user apart from the sign-in (UserQueries.snapshot): it too leaves only enrollment. */
    @Test
    void aRefreshLeavesOnlyEnrollmentUntilMfaIsOn() {
        String admin = api.adminToken();
        ensureGuardedRole(api, admin);
        Api.Account a = api.account(admin, "MFA_GUARDED");
        Api.Res refreshed = api.refresh(a.refreshToken());
        assertEquals(200, refreshed.status(), refreshed.toString());
        assertTrue(refreshed.json().get("mfa_enrollment_required").asBoolean(), refreshed.body());
        String access = refreshed.json().get("access_token").asText();
        assertEquals("[\"mfa:enroll\"]", Api.claims(access).get("groups").toString());
        assertEquals(
                "[\"MFA_GUARDED\",\"USER\"]",
                refreshed.json().get("user").get("roles").toString());
        assertEquals(403, api.get("/api/users/me", access).status());
    }

    @Test
    void aRoleThatRequiresMfaLeavesOnlyEnrollmentUntilItIsOn() {
        String admin = api.adminToken();
        ensureGuardedRole(api, admin);
        String reader = Api.uniqueRole("READER");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", reader, "permissions", List.of("users:read")), admin)
                        .status());
        Api.Account a = api.account(admin, "MFA_GUARDED", reader);
        assertTrue(
                a.tokens().get("mfa_enrollment_required").asBoolean(),
                a.tokens().toString());
        assertEquals("[\"mfa:enroll\"]", Api.claims(a.token()).get("groups").toString());
        for (String path : List.of("/api/users/me", "/api/users", "/api/notifications")) {
            Api.Res refused = api.get(path, a.token());
            assertEquals(403, refused.status(), path);
            assertEquals(
                    "https://vigile.dev/problems/mfa-enrollment-required",
                    refused.json().get("type").asText());
        }
        // Its own sessions are still its own to see and end (issue 33, point 5).
        Api.Res listed = api.get("/api/auth/sessions", a.token());
        assertEquals(200, listed.status(), listed.toString());
        assertTrue(listed.json().get("items").get(0).get("current").asBoolean(), listed.body());
        Api.Res other = api.login(a.email(), a.password());
        assertEquals(200, other.status());
        assertEquals(
                2, api.get("/api/auth/sessions", a.token()).json().get("total").asInt());
        String otherSession =
                Api.claims(other.json().get("access_token").asText()).get("sid").asText();
        assertEquals(
                204, api.delete("/api/auth/sessions/" + otherSession, a.token()).status());
        assertEquals(
                401, api.refresh(other.json().get("refresh_token").asText()).status(), "that session ended");
        Api.Res third = api.login(a.email(), a.password());
        assertEquals(
                204,
                api.post(
                                "/api/auth/logout-all",
                                null,
                                third.json().get("access_token").asText())
                        .status());
        assertEquals(
                401, api.refresh(third.json().get("refresh_token").asText()).status(), "signed out everywhere");
        assertEquals(401, api.refresh(a.refreshToken()).status(), "signed out everywhere");
        a = new Api.Account(
                a.id(),
                a.email(),
                a.password(),
                api.login(a.email(), a.password()).json());
        assertEquals(403, WsClient.connect(server.url(""), a.token()).refusedWith(), "no WebSocket before enrollment");
        Enrolled u = enroll(a.id(), a.email(), a.password(), a.tokens());
        Api.Res refreshed = api.refresh(a.refreshToken());
        assertEquals(200, refreshed.status());
        JsonNode claims = Api.claims(refreshed.json().get("access_token").asText());
        assertEquals(
                "[\"pwd\",\"otp\"]", claims.get("amr").toString(), "the session proved the factor at confirmation");
        assertTrue(claims.get("groups").toString().contains("users:read"), claims.toString());
        assertTrue(claims.get("groups").toString().contains("MFA_GUARDED"), claims.toString());
        assertNull(refreshed.json().get("mfa_enrollment_required"));
        assertEquals(
                200,
                api.get("/api/users", refreshed.json().get("access_token").asText())
                        .status());
        Api.Res in = second(challenge(u), "code", u.nextCode());
        assertEquals(200, in.status());
        assertTrue(Api.claims(in.json().get("access_token").asText())
                .get("groups")
                .toString()
                .contains("MFA_GUARDED"));
    }

    @Test
    void badMfaBodiesAre400sNot500s() {
        for (Object body : List.of(
                obj(),
                obj("mfaToken", "x"),
                obj("mfaToken", "x", "code", "1", "recoveryCode", "2"),
                obj("mfaToken", "x", "code", "1".repeat(40)),
                obj("mfaToken", "x", "code", "12345\u0000"))) {
            Api.Res r = api.post("/api/auth/login/mfa", body);
            assertTrue(r.status() == 400 || r.status() == 401, body + " " + r);
            assertEquals("application/problem+json", r.header("Content-Type"));
        }
    }

    private String stringFromDb(String sql, String id) throws Exception {
        try (var c = server.db();
                var ps = c.prepareStatement(sql)) {
            ps.setObject(1, UUID.fromString(id));
            var rs = ps.executeQuery();
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
