package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Many requests racing for one row: exactly one winner, no 5xx, no orphan rows. */
@SharedServer
class ConcurrencyIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    /** Runs the calls at the same instant; their statuses. */
    static List<Integer> race(List<Callable<Integer>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (Callable<Integer> c : calls) {
            futures.add(pool.submit(() -> {
                go.await();
                return c.call();
            }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> f : futures) {
            statuses.add(f.get());
        }
        pool.shutdown();
        return statuses;
    }

    long count(String sql, Object param) throws Exception {
        return server.number(sql, param);
    }

    @Test
    void tenRegistrationsOfOneEmailMakeOneAccount() throws Exception {
        String email = Api.uniqueEmail();
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            calls.add(() ->
                    new Api().register(email, "racing passphrase number " + n).status());
        }
        List<Integer> statuses = race(calls);
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(9, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        assertEquals(1, count("select count(*) from users where email = ?", email));
        assertEquals(
                1,
                count("select count(*) from sessions s join users u on u.id = s.user_id where u.email = ?", email),
                "no orphan session");
        assertEquals(
                1,
                count("select count(*) from audit_events where action = 'auth.register' and actor_email = ?", email));
    }

    @Test
    void tenRefreshesOfOneTokenRotateItOnce() throws Exception {
        Api.Account a = api.account(api.adminToken());
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(() -> new Api().refresh(a.refreshToken()).status());
        }
        List<Integer> statuses = race(calls);
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 401), statuses.toString());
        String sid = Api.claims(a.token()).get("sid").asText();
        assertEquals(
                0,
                count("select count(*) from refresh_tokens where session_id = ?::uuid", sid),
                "a rotation writes no row of its own");
        assertEquals(
                0,
                count(
                        "select count(*) from sessions where id = ?::uuid and refresh_hash = '"
                                + RefreshIT.storedHash(a.refreshToken()) + "'",
                        sid),
                "rotated: the first token is no longer current");
        assertEquals(
                1,
                count("select count(*) from sessions where id = ?::uuid and refresh_rotation = 1", sid),
                "rotated once: the session holds its second token");
        assertEquals(
                1, count("select count(*) from audit_events where action = 'auth.refresh' and target_id = ?", sid));
    }

    @Test
    void eightAdminsSettingOneUsersRolesLeaveOneCoherentSet() throws Exception {
        String admin = api.adminToken();
        Api.Account target = api.account(admin);
        List<String> roles = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String role = Api.uniqueRole("RACE");
            assertEquals(
                    201,
                    api.post("/api/admin/roles", obj("name", role, "permissions", List.of()), admin)
                            .status());
            roles.add(role);
        }
        List<String> admins = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            admins.add(api.account(admin, "ADMIN").token());
        }
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            calls.add(() -> new Api()
                    .put(
                            "/api/admin/users/" + target.id() + "/roles",
                            obj("roles", List.of(roles.get(n))),
                            admins.get(n))
                    .status());
        }
        List<Integer> statuses = race(calls);
        assertTrue(statuses.stream().allMatch(s -> s == 200 || s == 409), "no 5xx: " + statuses);
        assertTrue(statuses.contains(200), statuses.toString());
        long winners = statuses.stream().filter(s -> s == 200).count();
        // The user ends with USER and exactly one of the raced roles: never a mix.
        assertEquals(2, count("select count(*) from user_roles where user_id = ?::uuid", target.id()));
        assertEquals(
                winners,
                count(
                        "select count(*) from audit_events where action = 'user.roles.changed' and target_id = ?",
                        target.id()),
                "one audit row per winner, none for the refused");
    }

    @Test
    void concurrentAuditWritersAndVerifyAgree() throws Exception {
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(() -> new Api()
                    .login(UUID.randomUUID() + "@nowhere.test", "not a real passphrase")
                    .status());
        }
        assertTrue(race(calls).stream().allMatch(s -> s == 401));
        assertTrue(api.get("/api/admin/audit/verify", api.adminToken())
                .json()
                .get("valid")
                .asBoolean());
    }
}
