package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Failed-login throttling. The test server allows 3 failures per account per 6 s and 8 per client
 * address per minute (see {@link TestServer#testEnvironment}); production defaults are longer.
 */
@SharedServer
class ThrottleIT {
    static final String PASSWORD = "violet kettle marches upward";

    @Test
    void failuresOnOneAccountAreThrottledThenReleased() throws Exception {
        Api api = new Api();
        String email = Api.uniqueEmail();
        api.register(email, PASSWORD);
        for (int i = 0; i < 3; i++) {
            assertEquals(401, new Api().login(email, "wrong password " + i).status());
        }
        // From another address too: the account itself is protected.
        Api.Res throttled = new Api().login(email, PASSWORD);
        assertEquals(429, throttled.status(), throttled.toString());
        long retryAfter = Long.parseLong(throttled.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 3, "Retry-After " + retryAfter);
        assertEquals(
                "https://vigile.dev/problems/too-many-requests",
                throttled.json().get("type").asText());
        // Not a condition to poll: what is asserted is that waiting the Retry-After the server gave
        // is enough, so the test waits exactly that (plus a margin) and tries once.
        Thread.sleep(retryAfter * 1000 + 200);
        assertEquals(200, new Api().login(email, PASSWORD).status(), "released after Retry-After");
    }

    /**
     * The take and the check are one statement under the bucket's row lock, in the sign-in's first
     * unit of work: twelve wrong passwords released at once, each from its own address, get three
     * 401s (one more for each 2 s the burst spans, as a token comes back; five at most) and 429s,
     * and only the 401s reach the audit log. Taking without the lock lets all twelve through.
     */
    @Test
    void concurrentFailuresTakeNoMoreThanTheAccountsLimit() throws Exception {
        String email = Api.uniqueEmail();
        new Api().register(email, PASSWORD);
        int n = 12;
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        java.util.List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Api client = new Api();
                int guess = i;
                statuses.add(pool.submit(() -> {
                    go.await();
                    return client.login(email, "wrong guess " + guess).status();
                }));
            }
            go.countDown();
            int refused = 0;
            int throttled = 0;
            for (var status : statuses) {
                int s = status.get();
                refused += s == 401 ? 1 : 0;
                throttled += s == 429 ? 1 : 0;
            }
            assertEquals(n, refused + throttled, "only 401 and 429");
            assertTrue(refused >= 3 && refused <= 5, "wrong passwords checked: " + refused);
            try (java.sql.Connection c = TestServer.get().db();
                    java.sql.PreparedStatement ps = c.prepareStatement(
                            "select count(*) from audit_events where action = 'auth.login.failed' and actor_email = ?")) {
                ps.setString(1, email);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertEquals(refused, rs.getInt(1), "one audited failure per 401");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownAccountsAreThrottledAlikeSoThrottlingRevealsNothing() {
        String unknown = Api.uniqueEmail();
        for (int i = 0; i < 3; i++) {
            assertEquals(401, new Api().login(unknown, "whatever " + i).status());
        }
        assertEquals(429, new Api().login(unknown, "whatever").status());
    }

    @Test
    void oneAddressTryingManyAccountsIsThrottled() {
        Api attacker = new Api();
        int refused = 0;
        for (int i = 0; i < 8; i++) {
            refused += attacker.login(Api.uniqueEmail(), "guess " + i).status() == 401 ? 1 : 0;
        }
        assertEquals(8, refused);
        Api.Res r = attacker.login(Api.uniqueEmail(), "guess");
        assertEquals(429, r.status(), r.toString());
        // Another address is unaffected.
        assertEquals(401, new Api().login(Api.uniqueEmail(), "guess").status());
    }

    @Test
    void successClearsTheAccountsFailures() {
        String email = Api.uniqueEmail();
        new Api().register(email, PASSWORD);
        for (int round = 0; round < 3; round++) {
            assertEquals(401, new Api().login(email, "wrong").status());
            assertEquals(401, new Api().login(email, "wrong").status());
            assertEquals(200, new Api().login(email, PASSWORD).status(), "round " + round);
        }
    }

    /** A login with a device token, as a client that kept the one it was given would send it. */
    static Api.Res loginWithDevice(Api api, String email, String password, String deviceToken) {
        return api.post("/api/auth/login", Api.obj("email", email, "password", password, "deviceToken", deviceToken));
    }

    @Test
    void aStrangersFailuresDoNotLockTheOwnerOutOfTheirDevice() {
        String email = Api.uniqueEmail();
        Api.Res registered = new Api().register(email, PASSWORD);
        assertEquals(201, registered.status(), registered.toString());
        Api.Res login = new Api().login(email, PASSWORD);
        String device = login.json().get("device_token").asText();
        assertTrue(device.length() >= 43, "a device token of 256 bits: " + device);
        // The stranger varies case and spaces, from many addresses: the account's limit holds them.
        String[] variants = {email.toUpperCase(java.util.Locale.ROOT), "  " + email + " ", email};
        for (String v : variants) {
            assertEquals(401, new Api().login(v, "wrong guess").status());
        }
        assertEquals(429, new Api().login(email, "another guess").status(), "the stranger is throttled");
        assertEquals(429, new Api().login(email, PASSWORD).status(), "so is any client without a device token");
        assertEquals(
                429,
                loginWithDevice(new Api(), email, "guess", "forged-" + device.substring(7))
                        .status(),
                "a token that is not a live device of this account counts for nothing");
        Api.Res owner = loginWithDevice(new Api(), email, PASSWORD, device);
        assertEquals(200, owner.status(), "the owner with the device token gets in: " + owner);
        assertEquals(device, owner.json().get("device_token").asText(), "the device keeps its token");
    }

    @Test
    void aDeviceTokenWorksForItsOwnAccountOnly() {
        String a = Api.uniqueEmail();
        String b = Api.uniqueEmail();
        new Api().register(a, PASSWORD);
        new Api().register(b, PASSWORD);
        String deviceOfA =
                new Api().login(a, PASSWORD).json().get("device_token").asText();
        for (int i = 0; i < 3; i++) {
            assertEquals(401, new Api().login(b, "wrong " + i).status());
        }
        assertEquals(429, loginWithDevice(new Api(), b, PASSWORD, deviceOfA).status(), "A's device is a stranger to B");
    }

    @Test
    void failuresFromADeviceAreLimitedForThatDeviceAlone() {
        String email = Api.uniqueEmail();
        new Api().register(email, PASSWORD);
        String laptop =
                new Api().login(email, PASSWORD).json().get("device_token").asText();
        String phone =
                new Api().login(email, PASSWORD).json().get("device_token").asText();
        assertTrue(!laptop.equals(phone), "each client gets its own device token");
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    401, loginWithDevice(new Api(), email, "wrong " + i, laptop).status());
        }
        Api.Res limited = loginWithDevice(new Api(), email, PASSWORD, laptop);
        assertEquals(429, limited.status(), "the device that failed is limited: " + limited);
        assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
        assertEquals(200, loginWithDevice(new Api(), email, PASSWORD, phone).status(), "another device is not");
        assertEquals(
                200, new Api().login(email, PASSWORD).status(), "nor is the account: the failures were the device's");
    }

    @Test
    void browsersKeepTheirDeviceTokenInAnHttpOnlyCookieForTheLoginOnly() {
        String email = Api.uniqueEmail();
        new Api().register(email, PASSWORD);
        Api api = new Api();
        Api.Res login = api.call(
                "POST",
                "/api/auth/login",
                Api.obj("email", email, "password", PASSWORD),
                null,
                java.util.Map.of("X-Vigile-Client", "browser"));
        assertEquals(200, login.status(), login.toString());
        assertTrue(
                login.json().path("device_token").isMissingNode()
                        || login.json().get("device_token").isNull(),
                "no device token in a browser's body: " + login.body());
        java.util.List<String> deviceCookies = login.raw().headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("vigile_device="))
                .toList();
        String cookie = deviceCookies.stream()
                .filter(c -> !c.startsWith("vigile_device=;"))
                .findFirst()
                .orElseThrow();
        // The cookie of the old path (before 2026-12-08) is expired: sent first by a browser that
        // still holds it, a void one would hide this one from every password sign-in.
        assertTrue(
                deviceCookies.stream()
                        .anyMatch(c -> c.startsWith("vigile_device=;")
                                && c.contains("Path=/api/auth/login")
                                && c.contains("Max-Age=0")),
                deviceCookies.toString());
        assertTrue(cookie.contains("HttpOnly"), cookie);
        // Sent with both sign-ins: a cookie's path must prefix the request's (RFC 6265 5.1.4).
        String path = cookie.replaceAll(".*Path=([^;]*).*", "$1");
        assertTrue(
                "/api/auth/login".startsWith(path + "/") && "/api/auth/passkey".startsWith(path + "/"),
                "the device cookie reaches /api/auth/login and /api/auth/passkey: " + cookie);
        assertTrue(cookie.toLowerCase(java.util.Locale.ROOT).contains("samesite=strict"), cookie);
        String value = cookie.substring("vigile_device=".length(), cookie.indexOf(';'));
        for (int i = 0; i < 3; i++) {
            assertEquals(401, new Api().login(email, "wrong " + i).status());
        }
        assertEquals(429, new Api().login(email, PASSWORD).status());
        Api.Res again = browserLogin(email, "vigile_device=" + value);
        assertEquals(200, again.status(), "the browser with its device cookie gets in: " + again);

        // A browser that still holds a void cookie at the old path sends it first: the one at the
        // current path, sent last, is the device's (no new device, so no other token handed out).
        Api.Res both = browserLogin(email, "vigile_device=" + "0".repeat(43) + "; vigile_device=" + value);
        assertEquals(200, both.status(), both.toString());
        assertTrue(
                both.raw().headers().allValues("Set-Cookie").stream()
                        .anyMatch(c -> c.startsWith("vigile_device=" + value + ";")),
                "the device kept its token: " + both.raw().headers().allValues("Set-Cookie"));
    }

    /** A browser's sign-in with the right password, sending this {@code Cookie} header. */
    static Api.Res browserLogin(String email, String cookies) {
        return new Api()
                .call(
                        "POST",
                        "/api/auth/login",
                        Api.obj("email", email, "password", PASSWORD),
                        null,
                        java.util.Map.of("X-Vigile-Client", "browser", "Cookie", cookies));
    }

    @Test
    void aClientThatNeverKeepsItsDeviceTokenDoesNotGrowTheTableWithoutEnd() throws Exception {
        String email = Api.uniqueEmail();
        Api.Res registered = new Api().register(email, PASSWORD);
        String userId = registered.json().get("user").get("id").asText();
        for (int i = 0; i < 55; i++) {
            assertEquals(200, new Api().login(email, PASSWORD).status());
        }
        assertEquals(
                50,
                TestServer.get().number("select count(*) from device_tokens where user_id = ?::uuid", userId),
                "the 50 most recent devices are kept");
    }

    @Test
    void registrationsThatHitTakenEmailsAreLimitedPerAddress() throws Exception {
        String taken = Api.uniqueEmail();
        assertEquals(201, new Api().register(taken, PASSWORD).status());
        Api prober = new Api();
        // The test server allows 5 such hits per address a minute.
        for (int i = 0; i < 5; i++) {
            Api.Res r = prober.register(taken, PASSWORD + " " + i);
            assertEquals(409, r.status(), r.toString());
        }
        Api.Res limited = prober.register(taken, PASSWORD);
        assertEquals(429, limited.status(), limited.toString());
        assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
        assertEquals(
                "https://vigile.dev/problems/too-many-requests",
                limited.json().get("type").asText());
        String fresh = Api.uniqueEmail();
        assertEquals(
                429,
                prober.register(fresh, PASSWORD).status(),
                "a 201 would tell the emails apart: every registration waits");
        assertEquals(
                0,
                TestServer.get().number("select count(*) from users where email = ?", fresh),
                "nothing was created by the refused registration");
        assertEquals(201, new Api().register(fresh, PASSWORD).status(), "another address is not limited");
    }

    @Test
    void successfulRegistrationsAreNotCounted() {
        Api api = new Api();
        for (int i = 0; i < 8; i++) {
            assertEquals(201, api.register(Api.uniqueEmail(), PASSWORD).status(), "registration " + i);
        }
    }
}
