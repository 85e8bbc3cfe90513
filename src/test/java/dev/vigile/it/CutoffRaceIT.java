package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The immediate cut-off holds between requests, not only within one: refreshes and logins racing
 * a change of roles, of a role's permissions, of the password, a logout-all or a disable. Each
 * test runs many rounds of parallel refreshers or logins against the change, then checks every
 * token and session they obtained. No timing is asserted: the loops run until the change has
 * answered, and a little past it, counted in requests.
 */
@SharedServer
class CutoffRaceIT {
    static final int ROUNDS = 12;
    static final int REFRESHERS = 3;
    final Api api = new Api();
    final TestServer server = TestServer.get();

    /** Refreshes one session in a loop, keeping every access token it was given. */
    static final class Refresher implements Runnable {
        final Api client = new Api();
        final List<String> minted = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger done = new AtomicInteger();
        final AtomicBoolean changed;
        final AtomicInteger afterChange = new AtomicInteger();
        String refreshToken;

        Refresher(String refreshToken, AtomicBoolean changed) {
            this.refreshToken = refreshToken;
            this.changed = changed;
        }

        @Override
        public void run() {
            // Until the change has answered, then three more refreshes: counted, not timed.
            while (afterChange.get() < 3) {
                boolean past = changed.get();
                Api.Res r = client.refresh(refreshToken);
                if (r.status() != 200) {
                    throw new AssertionError("refresh failed: " + r);
                }
                refreshToken = r.json().get("refresh_token").asText();
                minted.add(r.json().get("access_token").asText());
                done.incrementAndGet();
                if (past) {
                    afterChange.incrementAndGet();
                }
            }
        }
    }

    /**
     * Runs refreshers on three sessions of a holder of {@code users:read}, applies {@code change}
     * once each has refreshed twice, and returns how many tokens carrying {@code users:read} were
     * still accepted by {@code GET /api/users} once the change had answered.
     */
    int staleTokensAccepted(Api.Account holder, Runnable change) throws Exception {
        AtomicBoolean changed = new AtomicBoolean();
        List<Refresher> refreshers = new ArrayList<>();
        refreshers.add(new Refresher(holder.refreshToken(), changed));
        for (int i = 1; i < REFRESHERS; i++) {
            Api.Res login = api.login(holder.email(), holder.password());
            assertEquals(200, login.status(), login.toString());
            refreshers.add(new Refresher(login.json().get("refresh_token").asText(), changed));
        }
        ExecutorService pool = Executors.newFixedThreadPool(REFRESHERS);
        List<Future<?>> running = new ArrayList<>();
        refreshers.forEach(r -> running.add(pool.submit(r)));
        while (refreshers.stream().anyMatch(r -> r.done.get() < 2)) {
            Thread.onSpinWait();
        }
        change.run();
        changed.set(true);
        for (Future<?> f : running) {
            f.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        int accepted = 0;
        for (Refresher r : refreshers) {
            for (String token : r.minted) {
                if (RolesIT.groups(token).contains("users:read")) {
                    Api.Res read = api.get("/api/users?size=1", token);
                    if (read.status() == 200) {
                        accepted++;
                    } else {
                        assertEquals(401, read.status(), read.toString());
                    }
                }
            }
        }
        return accepted;
    }

    /**
     * Rounds of {@link #staleTokensAccepted}: each round a new role granting {@code users:read},
     * a holder of it, and the change {@code change} makes (given the role and the holder).
     */
    int staleTokensOverRounds(java.util.function.BiFunction<String, Api.Account, Runnable> change) throws Exception {
        String admin = api.adminToken();
        int stale = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String role = Api.uniqueRole("READER");
            assertEquals(
                    201,
                    api.post("/api/admin/roles", obj("name", role, "permissions", List.of("users:read")), admin)
                            .status());
            Api.Account holder = api.account(admin, role);
            stale += staleTokensAccepted(holder, change.apply(role, holder));
        }
        return stale;
    }

    @Test
    void noTokenMintedAroundADemotionKeepsTheRemovedPermission() throws Exception {
        String admin = api.adminToken();
        int stale = staleTokensOverRounds((role, holder) -> () -> {
            Api.Res r = api.put("/api/admin/users/" + holder.id() + "/roles", obj("roles", List.of()), admin);
            assertEquals(200, r.status(), r.toString());
            assertEquals("[\"USER\"]", r.json().get("roles").toString());
        });
        assertEquals(0, stale, "tokens with a removed permission accepted after the demotion answered");
    }

    @Test
    void noTokenMintedAroundARolesPermissionEditKeepsTheRemovedPermission() throws Exception {
        String admin = api.adminToken();
        int stale = staleTokensOverRounds((role, holder) -> () -> {
            Api.Res r = api.put("/api/admin/roles/" + role, obj("permissions", List.of("audit:read")), admin);
            assertEquals(200, r.status(), r.toString());
            assertEquals("[\"audit:read\"]", r.json().get("permissions").toString());
        });
        assertEquals(0, stale, "tokens with a removed permission accepted after the role edit answered");
    }

    /**
     * The changes after which the old credential logs in no more, so that every login that answered
     * 200 around them must be dead once they answered. (After a logout-all or an admin's sign-out
     * the password still works, so a login that checked it after the change may rightly live; the
     * same credential epoch that closes the password race ends the logins that checked it before.)
     */
    static Function<Api.Account, Api.Res> credentialChange(Api api, String kind, String admin, String newPassword) {
        return switch (kind) {
            case "password" ->
                a -> api.put(
                        "/api/users/me/password",
                        obj("currentPassword", a.password(), "newPassword", newPassword),
                        a.token());
            case "delete" -> a -> api.delete("/api/users/" + a.id(), admin);
            case "disable" -> a -> api.patch("/api/users/" + a.id(), obj("enabled", false), admin);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"password", "disable", "delete"})
    void noLoginWithTheOldCredentialSurvivesTheChange(String kind) throws Exception {
        String admin = api.adminToken();
        int survivors = 0;
        long lostRaces = 0;
        List<String> seen = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Api.Account account = api.account(admin);
            AtomicInteger refused = new AtomicInteger();
            String newPassword = "the next passphrase of round " + round + " " + java.util.UUID.randomUUID();
            AtomicBoolean answered = new AtomicBoolean();
            List<JsonNode> logins = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<?>> running = new ArrayList<>();
            AtomicInteger started = new AtomicInteger();
            for (int t = 0; t < 2; t++) {
                running.add(pool.submit(() -> {
                    // Log in with the old password until the change has answered (each login
                    // from its own address, so that the per-address limit stays out of the way).
                    while (!answered.get()) {
                        started.incrementAndGet();
                        Api.Res r = new Api().login(account.email(), account.password());
                        if (r.status() == 200) {
                            logins.add(r.json());
                        } else if (r.status() == 401) {
                            refused.incrementAndGet();
                        } else if (r.status() != 429) {
                            throw new AssertionError("login: " + r);
                        }
                    }
                }));
            }
            while (started.get() < 2) {
                Thread.onSpinWait();
            }
            Api.Res change = credentialChange(api, kind, admin, newPassword).apply(account);
            assertTrue(change.status() == 204 || change.status() == 200, change.toString());
            answered.set(true);
            for (Future<?> f : running) {
                f.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            for (JsonNode login : logins) {
                Api.Res refreshed = api.refresh(login.get("refresh_token").asText());
                Api.Res me = api.get("/api/users/me", login.get("access_token").asText());
                if (refreshed.status() == 200 || me.status() == 200) {
                    survivors++;
                    seen.add("round " + round + ": refresh " + refreshed.status() + ", /me " + me.status());
                }
            }
            // In the database: no active session but, for a password change, the changer's own.
            long expected = kind.equals("password") ? 1 : 0;
            assertEquals(expected, activeSessions(account.id()), "active sessions after " + kind);
            // Every refused login is in the audit log, a login that lost the race to the change too.
            assertEquals(
                    refused.get(),
                    server.number(
                            "select count(*) from audit_events where action = 'auth.login.failed' and actor_email = ?",
                            account.email()),
                    "auth.login.failed rows for the 401s of round " + round);
            lostRaces += server.number(
                    "select count(*) from audit_events where action = 'auth.login.failed'"
                            + " and actor_email = ? and details->>'reason' = 'credentials changed'",
                    account.email());
        }
        System.out.println(kind + ": logins that lost the race to the change, audited: " + lostRaces);
        assertEquals(0, survivors, "sessions made with the old credential that survived: " + seen);
    }

    /**
     * A password change keeps its caller's session, access token included, and ends every other
     * (API.md): the other sessions' access tokens end with them (their {@code sid}), not through
     * the user's token generation. Each round, refreshes of three other sessions race the change,
     * each token used once as it comes (so the server holds an answer for its session): once the
     * change has answered, no refresh succeeds and none of the tokens they were given is accepted,
     * while the caller's own token still is.
     */
    @Test
    void noRefreshOfAnotherSessionOutlivesAPasswordChange() throws Exception {
        String admin = api.adminToken();
        int survivors = 0;
        List<String> seen = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Api.Account account = api.account(admin);
            AtomicBoolean answered = new AtomicBoolean();
            List<String> minted = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger refreshed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(REFRESHERS);
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < REFRESHERS; i++) {
                Api.Res login = api.login(account.email(), account.password());
                assertEquals(200, login.status(), login.toString());
                String first = login.json().get("refresh_token").asText();
                running.add(pool.submit(() -> {
                    Api client = new Api();
                    String refreshToken = first;
                    // Until a refresh is refused, which must come once the change has answered.
                    while (true) {
                        boolean past = answered.get();
                        Api.Res r = client.refresh(refreshToken);
                        if (r.status() == 401) {
                            return null;
                        }
                        assertEquals(200, r.status(), r.toString());
                        assertTrue(!past, "a refresh begun after the change answered succeeded");
                        refreshToken = r.json().get("refresh_token").asText();
                        String token = r.json().get("access_token").asText();
                        minted.add(token);
                        refreshed.incrementAndGet();
                        client.get("/api/users/me", token);
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (refreshed.get() < 2 * REFRESHERS) {
                for (Future<?> f : running) {
                    if (f.isDone()) {
                        f.get(); // a refresher that failed before the change: its failure, not a hang
                    }
                }
                assertTrue(System.nanoTime() < deadline, "refreshers started: " + refreshed.get());
                Thread.onSpinWait();
            }
            String next = "the next passphrase of round " + round + " " + java.util.UUID.randomUUID();
            Api.Res change = api.put(
                    "/api/users/me/password",
                    obj("currentPassword", account.password(), "newPassword", next),
                    account.token());
            assertEquals(204, change.status(), change.toString());
            answered.set(true);
            for (Future<?> f : running) {
                f.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            for (String token : minted) {
                Api.Res me = api.get("/api/users/me", token);
                if (me.status() != 401) {
                    if (survivors++ < 10) {
                        seen.add("round " + round + ": /me " + me.status());
                    }
                }
            }
            assertEquals(200, api.get("/api/users/me", account.token()).status(), "the caller's own token");
            assertEquals(1, activeSessions(account.id()), "only the caller's session is left");
        }
        assertEquals(0, survivors, "tokens of other sessions accepted after the change (the first ten): " + seen);
    }

    long activeSessions(String userId) throws Exception {
        return server.number("select count(*) from sessions where user_id = ?::uuid and revoked_at is null", userId);
    }

    /**
     * A sign-in's second step racing an administrator's sign-out of the same user: the step holds
     * its challenge and then wants the user's row; the sign-out holds the user's row and then
     * voids the user's challenges. Taken in opposite orders, the two deadlocked and one answered
     * 500. Each round runs them at once: never a 500, and the sign-out always answers 204.
     */
    @Test
    void aSecondStepRacingASignOutNeverDeadlocks() throws Exception {
        String admin = api.adminToken();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<String> failures = new ArrayList<>();
        int rounds = 0;
        try {
            for (int u = 0; u < 4; u++) {
                String email = Api.uniqueEmail();
                String password = "a racing passphrase " + java.util.UUID.randomUUID();
                Api.Res registered = api.register(email, password);
                assertEquals(201, registered.status(), registered.toString());
                String id = registered.json().get("user").get("id").asText();
                String token = registered.json().get("access_token").asText();
                String secret = MfaIT.startEnrollment(api, token, password);
                Api.Res on = api.post(
                        "/api/users/me/mfa/totp/confirm", obj("code", MfaIT.code(secret, MfaIT.currentStep())), token);
                assertEquals(200, on.status(), on.toString());
                for (JsonNode recoveryCode : on.json().get("recoveryCodes")) {
                    Api.Res first = api.login(email, password);
                    assertEquals(202, first.status(), first.toString());
                    String mfaToken = first.json().get("mfa_token").asText();
                    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                    Future<Api.Res> step = pool.submit(() -> {
                        start.await();
                        return new Api()
                                .post(
                                        "/api/auth/login/mfa",
                                        obj("mfaToken", mfaToken, "recoveryCode", recoveryCode.asText()));
                    });
                    Future<Api.Res> signOut = pool.submit(() -> {
                        start.await();
                        return new Api().delete("/api/admin/users/" + id + "/sessions", admin);
                    });
                    start.countDown();
                    Api.Res s1 = step.get(60, TimeUnit.SECONDS);
                    Api.Res s2 = signOut.get(60, TimeUnit.SECONDS);
                    rounds++;
                    if (s1.status() != 200 && s1.status() != 401) {
                        failures.add("second step: " + s1);
                    }
                    if (s2.status() != 204) {
                        failures.add("sign-out: " + s2);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(40, rounds);
        assertEquals(List.of(), failures);
    }
}
