package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Hash upgrades on login, and no secret in the server's log. */
@SharedServer
class SecretsIT {
    final Api api = new Api();
    final TestServer server = TestServer.get();

    @Test
    void aHashBelowTheConfiguredCostIsReplacedAtLogin() throws Exception {
        String email = Api.uniqueEmail();
        String password = "an old and cheaper hash";
        api.register(email, password);
        String weak = Password.hash(password)
                .addRandomSalt(16)
                .with(Argon2Function.getInstance(19456, 1, 1, 32, Argon2.ID))
                .getResult();
        update(email, weak);
        assertEquals(200, api.login(email, password).status());
        String now = hashOf(email);
        assertTrue(now.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), now);
        assertEquals(200, api.login(email, password).status(), "the new hash verifies");
    }

    @Test
    void noPasswordOrTokenReachesTheLog() throws Exception {
        String email = Api.uniqueEmail();
        String password = "never-in-a-log-" + System.nanoTime();
        JsonNode tokens = api.register(email, password).json();
        api.login(email, password + "-wrong");
        api.refresh(tokens.get("refresh_token").asText());
        api.refresh(tokens.get("refresh_token").asText()); // reuse
        String rid = "secrets-" + java.util.UUID.randomUUID();
        api.call(
                "GET",
                "/api/users/me",
                null,
                tokens.get("access_token").asText() + "x",
                java.util.Map.of("X-Request-Id", rid));
        // The request log is written by its own thread: wait until this test's last request is in it.
        org.awaitility.Awaitility.await("the last request logged")
                .atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> Files.readString(server.log()).contains("requestId=" + rid));
        String own = Files.readString(server.log());
        assertTrue(
                own.contains("Vigile started") && own.contains("path=/api/auth/register status=201"),
                "the suite server's log is read, and holds this test's requests: " + server.log());
        try (Stream<Path> logs = Files.list(Path.of("target"))
                .filter(p -> p.getFileName().toString().startsWith("it-payara-"))) {
            for (Path log : logs.toList()) {
                String text = Files.readString(log);
                assertFalse(text.contains(password), "password in " + log);
                assertFalse(text.contains(tokens.get("refresh_token").asText()), "refresh token in " + log);
                assertFalse(
                        text.contains(tokens.get("access_token").asText().split("\\.")[2]), "access token in " + log);
                assertFalse(text.contains(hashOf(email)), "hash in " + log);
                for (String secret : java.util.List.of(
                        TestServer.KEY_ENCRYPTION_KEY,
                        TestServer.AUDIT_KEY,
                        TestServer.auditKeyHex(),
                        TestServer.CLUSTER_SECRET,
                        TestServer.METRICS_TOKEN)) {
                    assertFalse(text.contains(secret), "a configured secret in " + log);
                }
            }
        }
    }

    private void update(String email, String hash) throws Exception {
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement("update users set password_hash = ? where email = ?")) {
            ps.setString(1, hash);
            ps.setString(2, email);
            assertEquals(1, ps.executeUpdate());
        }
    }

    private String hashOf(String email) throws Exception {
        try (Connection c = server.db();
                PreparedStatement ps = c.prepareStatement("select password_hash from users where email = ?")) {
            ps.setString(1, email);
            ResultSet rs = ps.executeQuery();
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
