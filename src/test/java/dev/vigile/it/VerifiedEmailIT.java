package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static dev.vigile.it.Api.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code VIGILE_AUTH_REQUIRE_VERIFIED_EMAIL=true}, on a server of its own: a registration gives no
 * session, and a login with the right password to an unverified account is a 403 until the mailed
 * link is used.
 */
class VerifiedEmailIT {
    static VigileUnderTest vigile;
    static TestServer.Database db;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        vigile = VigileUnderTest.named("verified")
                .set("VIGILE_AUTH_REQUIRE_VERIFIED_EMAIL", "true")
                .mail()
                .start();
        db = vigile.database;
        api = vigile.api();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vigile != null) {
            vigile.close();
        }
    }

    @Test
    void anUnverifiedAccountSignsInOnlyOnceItsAddressIsProven() throws Exception {
        String email = uniqueEmail();
        String password = "a verified passphrase " + UUID.randomUUID();
        Api.Res registered = api.register(email, password);
        assertEquals(201, registered.status(), registered.toString());
        assertTrue(registered.json().get("email_verification_required").asBoolean());
        assertNull(registered.json().get("access_token"), "no session before the address is proven");
        assertNull(registered.json().get("refresh_token"));
        assertFalse(registered.json().get("user").get("emailVerified").asBoolean());
        String id = registered.json().get("user").get("id").asText();
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.owner(), db.ownerPassword());
                var ps = c.prepareStatement("select count(*) from sessions where user_id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            var rs = ps.executeQuery();
            rs.next();
            assertEquals(0, rs.getInt(1));
        }

        assertEquals(401, api.login(email, "not the password at all").status(), "a wrong password says nothing more");
        Api.Res refused = api.login(email, password);
        assertEquals(403, refused.status(), refused.toString());
        assertEquals(
                "https://vigile.dev/problems/email-not-verified",
                refused.json().get("type").asText());
        assertEquals("application/problem+json", refused.header("Content-Type"));

        String token =
                TestMail.awaitSubject(email, "Confirm your email address").token();
        assertEquals(
                204, api.post("/api/auth/verify-email", obj("token", token)).status());
        Api.Res in = api.login(email, password);
        assertEquals(200, in.status(), in.toString());
        assertTrue(in.json().get("user").get("emailVerified").asBoolean());
    }
}
