package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Refresh-token rotation, reuse detection, races and expiry (RFC 9700 section 4.14). */
@SharedServer
class RefreshIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    @Test
    void refreshRotatesAndTheOldTokenDies() {
        JsonNode first = api.newUser();
        Api.Res r = api.refresh(first.get("refresh_token").asText());
        assertEquals(200, r.status(), r.toString());
        JsonNode second = r.json();
        assertNotEquals(first.get("refresh_token"), second.get("refresh_token"));
        assertNotEquals(first.get("access_token"), second.get("access_token"));
        assertEquals(first.get("user").get("id"), second.get("user").get("id"));
        // The session's idle lifetime starts again: the new token lives as long as the first did.
        long lived = first.get("refresh_expires_in").asLong();
        assertTrue(lived > 0);
        assertTrue(Math.abs(second.get("refresh_expires_in").asLong() - lived) <= 5, second.toString());
        assertEquals("no-store", r.header("Cache-Control"));
        assertEquals(
                200,
                api.get("/api/users/me", second.get("access_token").asText()).status());
        assertEquals(200, api.refresh(second.get("refresh_token").asText()).status());
    }

    /**
     * A refresh reads its user in one statement, not through the entity a sign-in holds: both
     * must hand out the same user document and the same claims, and a refresh after a change of
     * roles the new roles, permissions and token generation.
     */
    @Test
    void aRefreshHandsOutTheSameUserAndClaimsAsTheSignIn() {
        String root = api.adminToken();
        Api.Account account = api.account(root, "ADMIN");
        JsonNode signedIn = account.tokens();
        Api.Res r = api.refresh(account.refreshToken());
        assertEquals(200, r.status(), r.toString());
        JsonNode refreshed = r.json();
        assertTrue(refreshed.get("user").get("permissions").size() > 1, refreshed.toString());
        assertEquals(signedIn.get("user"), refreshed.get("user"));
        String access = refreshed.get("access_token").asText();
        assertEquals(api.get("/api/users/me", access).json(), refreshed.get("user"));
        JsonNode before = Api.claims(signedIn.get("access_token").asText());
        JsonNode after = Api.claims(access);
        for (String claim : List.of("sub", "upn", "groups", "vigile_gen", "sid", "amr")) {
            assertNotNull(after.get(claim), claim);
            assertEquals(before.get(claim), after.get(claim), claim);
        }

        // A change of roles cuts the access tokens off and keeps the session.
        Api.Res demoted =
                api.put("/api/admin/users/" + account.id() + "/roles", Api.obj("roles", List.of("USER")), root);
        assertEquals(200, demoted.status(), demoted.toString());
        assertEquals(401, api.get("/api/users/me", access).status());
        Api.Res again = api.refresh(refreshed.get("refresh_token").asText());
        assertEquals(200, again.status(), again.toString());
        JsonNode user = again.json().get("user");
        assertEquals(demoted.json(), user);
        assertEquals("[\"USER\"]", user.get("roles").toString());
        JsonNode claims = Api.claims(again.json().get("access_token").asText());
        assertEquals(
                user.get("roles").size() + user.get("permissions").size(),
                claims.get("groups").size());
        assertTrue(claims.get("vigile_gen").asLong() > after.get("vigile_gen").asLong(), claims.toString());
        assertEquals(
                200,
                api.get("/api/users/me", again.json().get("access_token").asText())
                        .status());
    }

    /** A session whose user was disabled (here behind the API's back) refreshes no more and ends. */
    @Test
    void aRefreshOfADisabledUsersSessionIsRefusedAndEndsIt() throws Exception {
        JsonNode tokens = api.newUser();
        String userId = tokens.get("user").get("id").asText();
        String sid = Api.claims(tokens.get("access_token").asText()).get("sid").asText();
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement("update users set enabled = false where id = ?::uuid")) {
            ps.setString(1, userId);
            assertEquals(1, ps.executeUpdate());
        }
        assertInvalid(api.refresh(tokens.get("refresh_token").asText()));
        assertEquals("disabled", text("select revoked_reason from sessions where id = ?::uuid", sid));
    }

    @Test
    void reusingARotatedTokenRevokesItsFamilyOnly() throws Exception {
        String email = Api.uniqueEmail();
        String password = "a passphrase for two families";
        JsonNode first = api.register(email, password).json();
        JsonNode otherFamily = api.login(email, password).json();

        JsonNode second = api.refresh(first.get("refresh_token").asText()).json();
        Api.Res reuse = api.refresh(first.get("refresh_token").asText());
        assertEquals(401, reuse.status());
        assertEquals(
                "https://vigile.dev/problems/invalid-refresh-token",
                reuse.json().get("type").asText());
        // The family is dead: the latest token and its access token too.
        assertEquals(401, api.refresh(second.get("refresh_token").asText()).status());
        assertEquals(
                401,
                api.get("/api/users/me", second.get("access_token").asText()).status());
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(
                        "select revoked_reason from sessions where user_id = ?::uuid and revoked_at is not null")) {
            ps.setString(1, first.get("user").get("id").asText());
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            assertEquals("reuse", rs.getString(1));
        }
        // The user's other sign-in survives.
        assertEquals(200, api.refresh(otherFamily.get("refresh_token").asText()).status());
    }

    @Test
    void concurrentRefreshesOfOneTokenHaveExactlyOneWinnerAndNo5xx() throws Exception {
        JsonNode tokens = api.newUser();
        String refresh = tokens.get("refresh_token").asText();
        int n = 12;
        List<String> successors = new ArrayList<>();
        int unauthorized = 0;
        for (Api.Res r : race(refresh, n)) {
            assertTrue(r.status() < 500, "no server error, got " + r);
            if (r.status() == 200) {
                successors.add(r.json().get("refresh_token").asText());
            }
            unauthorized += r.status() == 401 ? 1 : 0;
        }
        assertEquals(1, successors.size());
        assertEquals(n - 1, unauthorized);
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement("select s.refresh_hash, s.revoked_reason,"
                        + " (select count(*) from refresh_tokens t where t.session_id = s.id)"
                        + " from sessions s where s.user_id = ?::uuid")) {
            ps.setString(1, tokens.get("user").get("id").asText());
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            assertEquals(storedHash(successors.get(0)), rs.getString(1), "the one winner's successor is current");
            // The losers presented a token that had just been rotated: a replay.
            assertEquals("reuse", rs.getString(2));
            assertEquals(0, rs.getInt(3), "a rotation writes no row of its own");
            assertTrue(!rs.next(), "one session");
        }
    }

    /**
     * RFC 9700 section 4.14.2: a client that comes back with a token that was rotated long ago (by
     * an attacker who kept refreshing) has its session revoked, although the session keeps no row
     * per rotation.
     */
    @Test
    void aTokenRotatedManyRefreshesAgoStillRevokesItsSession() throws Exception {
        JsonNode tokens = api.newUser();
        String stolen = tokens.get("refresh_token").asText();
        String current = stolen;
        for (int i = 0; i < 6; i++) {
            Api.Res r = api.refresh(current);
            assertEquals(200, r.status(), r.toString());
            current = r.json().get("refresh_token").asText();
            assertEquals(98, current.length(), current);
        }
        String sid = Api.claims(tokens.get("access_token").asText()).get("sid").asText();
        assertEquals(0, count("select count(*) from refresh_tokens where session_id = ?::uuid", sid));
        assertEquals(storedHash(current), text("select refresh_hash from sessions where id = ?::uuid", sid));

        assertInvalid(api.refresh(stolen));
        assertEquals("reuse", text("select revoked_reason from sessions where id = ?::uuid", sid));
        assertInvalid(api.refresh(current)); // the whole family is revoked
    }

    /**
     * Knowing a session's id (it is the {@code sid} of every access token) must not be enough to have
     * it revoked as a replay, nor a tag changed on a real token enough to be one or to refresh.
     */
    @Test
    void aTokenWithATagItsSessionDidNotMakeIsUnknownAndRevokesNothing() throws Exception {
        JsonNode tokens = api.newUser();
        String first = tokens.get("refresh_token").asText();
        Api.Res rotated = api.refresh(first);
        assertEquals(200, rotated.status());
        String current = rotated.json().get("refresh_token").asText();
        String sid = Api.claims(tokens.get("access_token").asText()).get("sid").asText();

        // The session's first rotation, behind its current one, with a secret and tag of one's own.
        byte[] forged = new byte[73];
        new java.security.SecureRandom().nextBytes(forged);
        forged[0] = 1;
        java.nio.ByteBuffer.wrap(forged, 1, 24)
                .putLong(java.util.UUID.fromString(sid).getMostSignificantBits())
                .putLong(java.util.UUID.fromString(sid).getLeastSignificantBits())
                .putLong(0);
        List<String> notOurs = List.of(
                withTagChanged(first), // a rotated token, its tag changed: not a replay
                withTagChanged(current), // the current secret with a tag of its own
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(forged),
                otherSpelling(current)); // the same bytes spelt another way
        for (String token : notOurs) {
            assertInvalid(api.refresh(token));
            assertEquals(
                    204,
                    api.post("/api/auth/logout", Api.obj("refreshToken", token)).status());
            assertEquals(
                    null,
                    text("select revoked_reason from sessions where id = ?::uuid", sid),
                    "not revoked by " + token);
        }
        assertEquals(storedHash(current), text("select refresh_hash from sessions where id = ?::uuid", sid));
        assertEquals(200, api.refresh(current).status(), "the current token still refreshes");
    }

    /**
     * A token issued before V24 (43 characters, its hash in {@code refresh_tokens}) refreshes once
     * into the new form, and presenting it again is a replay: an upgrade signs nobody out.
     */
    @Test
    void aTokenIssuedBeforeTheUpgradeRefreshesOnceThenCountsAsAReplay() throws Exception {
        JsonNode tokens = api.newUser();
        String userId = tokens.get("user").get("id").asText();
        String legacy = dev.vigile.security.OpaqueTokens.generate();
        java.util.UUID sid = java.util.UUID.randomUUID();
        insertSessionFromBeforeV24(userId, sid, legacy);
        Api.Res r = api.refresh(legacy);
        assertEquals(200, r.status(), r.toString());
        String successor = r.json().get("refresh_token").asText();
        assertEquals(98, successor.length());
        assertEquals(
                sid.toString(),
                Api.claims(r.json().get("access_token").asText()).get("sid").asText());
        assertEquals(
                storedHash(successor), text("select refresh_hash from sessions where id = ?::uuid", sid.toString()));
        Api.Res next = api.refresh(successor);
        assertEquals(200, next.status(), next.toString());

        assertInvalid(api.refresh(legacy));
        assertEquals("reuse", text("select revoked_reason from sessions where id = ?::uuid", sid.toString()));
        assertInvalid(api.refresh(next.json().get("refresh_token").asText()));
    }

    /**
     * A rotation the database lost (a restore, a failover to a replica that missed the commit): the
     * client holds a token one ahead of the session's. That is not a replay, so nothing is revoked
     * and no alarm goes out; the token is unknown, and the one the database holds still refreshes.
     */
    @Test
    void aTokenAheadOfItsSessionIsUnknownNotAReplay() throws Exception {
        JsonNode tokens = api.newUser();
        String first = tokens.get("refresh_token").asText();
        String sid = Api.claims(tokens.get("access_token").asText()).get("sid").asText();
        Api.Res r = api.refresh(first);
        assertEquals(200, r.status());
        String lost = r.json().get("refresh_token").asText();
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(
                        "update sessions set refresh_hash = ?, refresh_rotation = 0 where id = ?::uuid")) {
            ps.setString(1, storedHash(first));
            ps.setString(2, sid);
            assertEquals(1, ps.executeUpdate());
        }
        assertInvalid(api.refresh(lost));
        assertEquals(null, text("select revoked_reason from sessions where id = ?::uuid", sid));
        assertEquals(200, api.refresh(first).status(), "the token the database holds is current");
    }

    /** A token from before V24 raced by eight refreshes still has exactly one winner. */
    @Test
    void aTokenIssuedBeforeTheUpgradeRotatesOnceUnderARace() throws Exception {
        JsonNode tokens = api.newUser();
        String legacy = dev.vigile.security.OpaqueTokens.generate();
        java.util.UUID sid = java.util.UUID.randomUUID();
        insertSessionFromBeforeV24(tokens.get("user").get("id").asText(), sid, legacy);
        List<String> successors = new ArrayList<>();
        for (Api.Res res : race(legacy, 8)) {
            assertTrue(res.status() == 200 || res.status() == 401, res.toString());
            if (res.status() == 200) {
                successors.add(res.json().get("refresh_token").asText());
            }
        }
        assertEquals(1, successors.size());
        assertEquals(
                storedHash(successors.get(0)),
                text("select refresh_hash from sessions where id = ?::uuid", sid.toString()),
                "the one winner's successor is current");
        assertEquals(
                "1", text("select refresh_rotation from sessions where id = ?::uuid", sid.toString()), "rotated once");
    }

    /**
     * A token from before V24 presented while its session is being revoked: the revocation holds
     * the session's row when the refresh reaches it, and commits first. The refresh loses, and that
     * is all: the token is not marked rotated, so neither this answer nor a later replay of it is
     * reported as reuse of a session that was already signed out.
     */
    @Test
    void aTokenIssuedBeforeTheUpgradeRacingItsRevocationIsNotAReplay() throws Exception {
        JsonNode tokens = api.newUser();
        String legacy = dev.vigile.security.OpaqueTokens.generate();
        java.util.UUID sid = java.util.UUID.randomUUID();
        insertSessionFromBeforeV24(tokens.get("user").get("id").asText(), sid, legacy);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection revoking = server.db();
                Connection watch = server.db()) {
            revoking.setAutoCommit(false);
            int revoker = pid(revoking);
            try (PreparedStatement ps = revoking.prepareStatement(
                    "update sessions set revoked_at = now(), revoked_reason = 'logout' where id = ?")) {
                ps.setObject(1, sid);
                assertEquals(1, ps.executeUpdate());
            }
            Future<Api.Res> refresh = pool.submit(() -> api.refresh(legacy));
            // The refresh has read the session as alive and now waits for its row.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!blockedBy(watch, revoker)) {
                assertTrue(System.nanoTime() < deadline, "the refresh never reached the session's row");
                Thread.sleep(20);
            }
            revoking.commit();
            assertInvalid(refresh.get(60, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            pool.shutdown();
        }
        assertInvalid(api.refresh(legacy));
        assertEquals("logout", text("select revoked_reason from sessions where id = ?::uuid", sid.toString()));
        assertEquals(
                "0",
                text(
                        "select count(*) from refresh_tokens where session_id = ?::uuid and rotated_at is not null",
                        sid.toString()),
                "the losing refresh marked nothing rotated");
        assertEquals(
                "0",
                text(
                        "select count(*) from audit_events where action = 'auth.refresh.reuse' and target_id = ?",
                        sid.toString()),
                "no reuse was reported");
    }

    private static int pid(Connection c) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("select pg_backend_pid()");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Whether some backend waits for a lock the backend {@code pid} holds. */
    private static boolean blockedBy(Connection watch, int pid) throws Exception {
        try (PreparedStatement ps = watch.prepareStatement(
                "select count(*) from pg_stat_activity where pg_blocking_pids(pid) @> array[?]")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    /** {@code n} refreshes of one token, released at once; their answers. */
    private List<Api.Res> race(String token, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Api.Res>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return api.refresh(token);
                }));
            }
            start.countDown();
            List<Api.Res> answers = new ArrayList<>();
            for (Future<Api.Res> f : results) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdown();
        }
    }

    /** A session as a version before V24 left it: its current token a row of refresh_tokens. */
    private void insertSessionFromBeforeV24(String userId, java.util.UUID sid, String legacy) throws Exception {
        try (Connection c = server.db();
                PreparedStatement session = c.prepareStatement(
                        "insert into sessions (id, user_id, created_at, last_used_at, expires_at, ip, user_agent, mfa)"
                                + " values (?, ?::uuid, now(), now(), now() + interval '30 days', '203.0.113.9', 'old', false)");
                PreparedStatement token = c.prepareStatement(
                        "insert into refresh_tokens (token_hash, session_id, issued_at) values (?, ?, now())")) {
            session.setObject(1, sid);
            session.setString(2, userId);
            session.executeUpdate();
            token.setString(1, dev.vigile.security.OpaqueTokens.hash(legacy));
            token.setObject(2, sid);
            token.executeUpdate();
        }
    }

    /** The contract's answer to a refresh token that is not (or no longer) good: 401, its problem type. */
    private static void assertInvalid(Api.Res r) {
        assertEquals(401, r.status(), r.toString());
        assertEquals("application/problem+json", r.header("Content-Type").split(";")[0]);
        assertEquals(
                "https://vigile.dev/problems/invalid-refresh-token",
                r.json().get("type").asText());
    }

    /** What a session stores of a token: the SHA-256 of its first 57 bytes (RefreshTokens). */
    static String storedHash(String token) throws Exception {
        byte[] bytes = java.util.Base64.getUrlDecoder().decode(token);
        return java.util.HexFormat.of()
                .formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(bytes, 57)));
    }

    /** The token with one bit of its tag flipped. */
    private static String withTagChanged(String token) {
        byte[] bytes = java.util.Base64.getUrlDecoder().decode(token);
        bytes[60] ^= 1;
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The same 73 bytes with two of the last character's unused bits set: decoders tolerate it. */
    private static String otherSpelling(String token) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 3);
    }

    private int count(String sql, String param) throws Exception {
        return Integer.parseInt(text(sql, param));
    }

    private String text(String sql, String param) throws Exception {
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }

    /**
     * Every refresh touches its session (last used, address, agent: {@code Sessions.rotate}).
     * If a touched column were indexed, each touch would add an entry to every index of the table and
     * leave a dead row that later refreshes scan; a heap-only update does neither. PostgreSQL's own
     * per-transaction counter says which kind the touch was.
     */
    @Test
    void aRefreshTouchesItsSessionWithAHeapOnlyUpdate() throws Exception {
        JsonNode tokens = api.newUser();
        assertEquals(200, api.refresh(tokens.get("refresh_token").asText()).status());
        try (Connection c = server.db()) {
            c.setAutoCommit(false);
            try (PreparedStatement touch = c.prepareStatement(
                            "update sessions set last_used_at = now(), ip = '198.51.100.23', user_agent = 'another agent'"
                                    + " where user_id = ?::uuid and revoked_at is null");
                    PreparedStatement counters =
                            c.prepareStatement("select pg_stat_get_xact_tuples_updated('sessions'::regclass),"
                                    + " pg_stat_get_xact_tuples_hot_updated('sessions'::regclass)")) {
                touch.setString(1, tokens.get("user").get("id").asText());
                assertEquals(1, touch.executeUpdate());
                ResultSet rs = counters.executeQuery();
                rs.next();
                assertEquals(1, rs.getLong(1));
                assertEquals(1, rs.getLong(2), "the touch must be a heap-only update");
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void idleAndAbsoluteExpiryEndTheSession() throws Exception {
        JsonNode idle = api.newUser();
        JsonNode absolute = api.newUser();
        try (Connection c = server.db()) {
            exec(c, "update sessions set last_used_at = now() - interval '8 days' where user_id = ?::uuid", idle);
            exec(c, "update sessions set expires_at = now() - interval '1 second' where user_id = ?::uuid", absolute);
        }
        assertEquals(401, api.refresh(idle.get("refresh_token").asText()).status());
        assertEquals(401, api.refresh(absolute.get("refresh_token").asText()).status());
    }

    @Test
    void garbageAndMissingRefreshTokensAre4xx() {
        assertEquals(401, api.refresh("not a token").status());
        assertEquals(401, api.refresh("A".repeat(43)).status());
        // The new form's length: a wrong version, a NUL, an over-long one.
        assertInvalid(api.refresh("A".repeat(98)));
        Api.Res nul = api.refresh("AQ" + "\u0000".repeat(96));
        assertTrue(nul.status() == 400 || nul.status() == 401, nul.toString());
        assertEquals("application/problem+json", nul.header("Content-Type").split(";")[0]);
        Api.Res longOne = api.refresh("A".repeat(100_000));
        assertTrue(longOne.status() == 400 || longOne.status() == 401 || longOne.status() == 413, longOne.toString());
        Api.Res missing = api.post("/api/auth/refresh", Api.obj());
        assertEquals(400, missing.status());
        assertNotNull(missing.json().get("errors"));
    }

    @Test
    void aRefreshTokenIsNotAnAccessToken() {
        JsonNode tokens = api.newUser();
        Api.Res r = api.get("/api/users/me", tokens.get("refresh_token").asText());
        assertEquals(401, r.status());
        assertEquals("application/problem+json", r.header("Content-Type").split(";")[0]);
    }

    private static void exec(Connection c, String sql, JsonNode tokens) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tokens.get("user").get("id").asText());
            assertTrue(ps.executeUpdate() > 0);
        }
    }
}
