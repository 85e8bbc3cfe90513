package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Passkeys over the API (issue 36), with an emulated authenticator: registration after
 * re-authentication, sign-in with a discoverable credential, the second step, management, and
 * every check of WebAuthn 7.1 and 7.2, each sent its bad value.
 */
@SharedServer
class PasskeysIT {
    static final String INVALID_CREDENTIALS = "https://vigile.dev/problems/invalid-credentials";

    final TestServer server = TestServer.get();
    final Api api = new Api();
    final String admin = api.adminToken();

    /** A user with a passkey on an authenticator of their own. */
    record Holder(Api.Account account, TestAuthenticator authenticator, String passkeyId) {}

    /** Creation options for the holder of this token, checked to be 200. */
    static JsonNode creationOptions(Api api, String token, String password) {
        Api.Res r = api.post("/api/users/me/passkeys/options", obj("currentPassword", password), token);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    /** Adds a passkey made on this authenticator for the holder of this token: the 201's body. */
    static JsonNode addPasskey(Api api, TestAuthenticator authenticator, String token, String password, String name) {
        JsonNode options = creationOptions(api, token, password);
        ObjectNode credential = authenticator.register(options.get("publicKey"));
        Api.Res r = api.post(
                "/api/users/me/passkeys",
                obj("challengeId", options.get("challengeId").asText(), "credential", credential, "name", name),
                token);
        assertEquals(201, r.status(), r.toString());
        return r.json();
    }

    Holder holder() {
        Api.Account a = api.account(admin);
        TestAuthenticator authenticator = new TestAuthenticator(server.webAuthnOrigin());
        JsonNode passkey = addPasskey(api, authenticator, a.token(), a.password(), "laptop");
        return new Holder(a, authenticator, passkey.get("id").asText());
    }

    /** Sign-in options, checked to be 200. */
    static JsonNode signInOptions(Api api) {
        Api.Res r = api.post("/api/auth/passkey/options", obj());
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    static Api.Res signIn(Api api, JsonNode options, ObjectNode credential) {
        return api.post(
                "/api/auth/passkey",
                obj("challengeId", options.get("challengeId").asText(), "credential", credential));
    }

    /** Signs in with the holder's passkey, checked to be 200: the token response. */
    static JsonNode signIn(Api api, TestAuthenticator authenticator) {
        JsonNode options = signInOptions(api);
        Api.Res r = signIn(api, options, authenticator.assertion(options.get("publicKey")));
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    static void assertRefused(Api.Res r) {
        assertEquals(401, r.status(), r.toString());
        assertEquals("application/problem+json", r.header("Content-Type"));
        assertEquals(INVALID_CREDENTIALS, r.json().get("type").asText(), r.toString());
    }

    long rows(String sql, Object param) throws Exception {
        return server.number(sql, param);
    }

    @Test
    void aPasskeyIsAddedAfterThePasswordAndSignsInWithoutAnEmail() throws Exception {
        Api.Account a = api.account(admin);
        TestAuthenticator authenticator = new TestAuthenticator(server.webAuthnOrigin());

        Api.Res wrong = api.post("/api/users/me/passkeys/options", obj("currentPassword", "not mine"), a.token());
        assertEquals(400, wrong.status(), wrong.toString());
        Api.Res asked = api.post("/api/users/me/passkeys/options", obj("currentPassword", a.password()), a.token());
        assertEquals(200, asked.status(), asked.toString());
        assertEquals("no-store", asked.header("Cache-Control"));
        JsonNode pk = asked.json().get("publicKey");
        assertEquals("localhost", pk.get("rp").get("id").asText());
        assertEquals(
                "required", pk.get("authenticatorSelection").get("residentKey").asText());
        assertEquals(
                "required",
                pk.get("authenticatorSelection").get("userVerification").asText());
        assertEquals("none", pk.get("attestation").asText());
        Set<Long> algorithms = new HashSet<>();
        pk.get("pubKeyCredParams").forEach(p -> algorithms.add(p.get("alg").asLong()));
        assertTrue(algorithms.containsAll(Set.of(-7L, -8L, -257L)), algorithms.toString());
        byte[] handle = TestAuthenticator.UNB64.decode(pk.get("user").get("id").asText());
        assertTrue(handle.length >= 16, "an opaque handle of at least 128 bits");
        String handleText = new String(handle, StandardCharsets.ISO_8859_1);
        assertFalse(handleText.contains(a.email()) || handleText.contains(a.id()), "not the email, not the id");
        assertTrue(TestAuthenticator.UNB64.decode(pk.get("challenge").asText()).length >= 16);
        assertEquals(0, pk.get("excludeCredentials").size());

        ObjectNode credential = authenticator.register(pk);
        Api.Res added = api.post(
                "/api/users/me/passkeys",
                obj(
                        "challengeId",
                        asked.json().get("challengeId").asText(),
                        "credential",
                        credential,
                        "name",
                        "  laptop "),
                a.token());
        assertEquals(201, added.status(), added.toString());
        JsonNode passkey = added.json();
        assertEquals("laptop", passkey.get("name").asText());
        assertFalse(passkey.get("backedUp").asBoolean());
        assertTrue(passkey.get("lastUsedAt").isNull());
        assertNotEquals(credential.get("id").asText(), passkey.get("id").asText(), "Vigile's id, not the credential's");
        assertEquals(
                1,
                api.get("/api/users/me", a.token()).json().get("passkeyCount").asInt());
        assertEquals(1, rows("select count(*) from passkeys where user_id = ?", UUID.fromString(a.id())));
        assertEquals(
                1,
                rows(
                        "select count(*) from audit_events where action = 'user.passkey.added' and outcome = 'success'"
                                + " and actor_id = ?",
                        UUID.fromString(a.id())));
        TestMail.awaitSubject(a.email(), "A passkey was added to your account");
        JsonNode inbox = api.get("/api/notifications", a.token()).json().get("items");
        assertEquals("passkey.changed", inbox.get(0).get("kind").asText(), inbox.toString());
        JsonNode again = creationOptions(api, a.token(), a.password()).get("publicKey");
        assertEquals(
                credential.get("id").asText(),
                again.get("excludeCredentials").get(0).get("id").asText());
        assertArrayEquals(
                handle,
                TestAuthenticator.UNB64.decode(again.get("user").get("id").asText()),
                "one handle per user");

        JsonNode options = signInOptions(api);
        assertEquals(0, options.get("publicKey").get("allowCredentials").size(), "nothing to enumerate");
        assertEquals(
                "required", options.get("publicKey").get("userVerification").asText());
        assertEquals("localhost", options.get("publicKey").get("rpId").asText());
        Api.Res signedIn = signIn(api, options, authenticator.assertion(options.get("publicKey")));
        assertEquals(200, signedIn.status(), signedIn.toString());
        assertEquals("no-store", signedIn.header("Cache-Control"));
        JsonNode tokens = signedIn.json();
        assertNotNull(tokens.get("refresh_token"));
        assertNotNull(tokens.get("device_token"), tokens.toString());
        assertEquals(a.id(), tokens.get("user").get("id").asText());
        JsonNode claims = Api.claims(tokens.get("access_token").asText());
        assertEquals("[\"hwk\",\"user\"]", claims.get("amr").toString());
        assertEquals(
                200,
                api.get("/api/users/me", tokens.get("access_token").asText()).status());
        JsonNode refreshed = api.refresh(tokens.get("refresh_token").asText()).json();
        assertEquals(
                "[\"hwk\",\"user\"]",
                Api.claims(refreshed.get("access_token").asText()).get("amr").toString(),
                "a refresh keeps how the session was proven");
        assertEquals(
                1,
                rows(
                        "select count(*) from audit_events where action = 'auth.login' and actor_id = ?"
                                + " and details->>'method' = 'passkey'",
                        UUID.fromString(a.id())));
        JsonNode listed = api.get("/api/users/me/passkeys", a.token()).json();
        assertEquals(1, listed.size());
        assertFalse(listed.get(0).get("lastUsedAt").isNull(), "the sign-in is recorded");
        assertEquals(
                0,
                rows(
                        "select count(*) from passkey_challenges where id = ?",
                        UUID.fromString(options.get("challengeId").asText())),
                "the challenge is used up");
    }

    /** WebAuthn 7.2: each bad value in an otherwise right assertion is the 401 of a wrong password. */
    @Test
    void everyCheckOfAnAssertionRefusesTheSignIn() throws Exception {
        Holder h = holder();
        Holder other = holder();
        byte[] otherHandle = other.authenticator().handleOf(other.authenticator().lastCredentialId);
        Map<String, Consumer<TestAuthenticator.Assertion>> bad = new java.util.LinkedHashMap<>();
        bad.put(
                "another challenge",
                x -> x.challenge =
                        TestAuthenticator.sha256(UUID.randomUUID().toString().getBytes()));
        bad.put("another origin", x -> x.origin = "https://vigile.example.evil");
        bad.put("an origin on another port", x -> x.origin = "http://localhost:1");
        bad.put("another RP ID", x -> x.rpId = "evil.example");
        bad.put("no user presence", x -> x.flags = 0x04);
        bad.put("no user verification", x -> x.flags = 0x01);
        bad.put("a bad signature", x -> x.badSignature = true);
        bad.put("a registration's client data", x -> x.type = "webauthn.create");
        bad.put("another user's handle", x -> x.userHandle = otherHandle);
        bad.put("no user handle", x -> x.omitUserHandle = true);
        for (Map.Entry<String, Consumer<TestAuthenticator.Assertion>> c : bad.entrySet()) {
            Api client = new Api(); // each from its own address: the failures are throttled per address
            JsonNode options = signInOptions(client);
            TestAuthenticator.Assertion tamper = new TestAuthenticator.Assertion();
            c.getValue().accept(tamper);
            Api.Res r = signIn(client, options, h.authenticator().assertion(options.get("publicKey"), tamper));
            assertEquals(401, r.status(), c.getKey() + ": " + r);
            assertEquals(INVALID_CREDENTIALS, r.json().get("type").asText(), c.getKey());
        }
        assertEquals(
                bad.size(),
                rows(
                        "select count(*) from audit_events where action = 'auth.login.failed' and actor_id = ?"
                                + " and details->>'method' = 'passkey'",
                        UUID.fromString(h.account().id())));
        // The passkey itself is fine: the right assertion signs in.
        signIn(new Api(), h.authenticator());
    }

    @Test
    void aChallengeServesOnceForItsPurposeAndLapses() throws Exception {
        Holder h = holder();
        JsonNode options = signInOptions(api);
        ObjectNode assertion = h.authenticator().assertion(options.get("publicKey"));
        assertEquals(200, signIn(api, options, assertion).status());
        assertRefused(signIn(new Api(), options, assertion));

        // A registration's challenge is not a sign-in's.
        JsonNode registration =
                creationOptions(api, h.account().token(), h.account().password());
        TestAuthenticator.Assertion forIt = new TestAuthenticator.Assertion();
        forIt.challenge = TestAuthenticator.UNB64.decode(
                registration.get("publicKey").get("challenge").asText());
        assertRefused(signIn(
                new Api(),
                registration,
                h.authenticator().assertion(signInOptions(api).get("publicKey"), forIt)));

        // An expired one.
        JsonNode late = signInOptions(api);
        try (var c = server.db();
                var ps = c.prepareStatement(
                        "update passkey_challenges set expires_at = now() - interval '1 second' where id = ?")) {
            ps.setObject(1, UUID.fromString(late.get("challengeId").asText()));
            assertEquals(1, ps.executeUpdate());
        }
        assertRefused(signIn(new Api(), late, h.authenticator().assertion(late.get("publicKey"))));

        // An unknown credential, and a challenge id that is no challenge.
        JsonNode fresh = signInOptions(api);
        TestAuthenticator.Assertion unknown = new TestAuthenticator.Assertion();
        ObjectNode made = h.authenticator().assertion(fresh.get("publicKey"), unknown);
        String stranger = TestAuthenticator.B64.encodeToString(TestAuthenticator.sha256(new byte[] {1}));
        made.put("id", stranger).put("rawId", stranger);
        assertRefused(signIn(new Api(), fresh, made));
        assertRefused(signIn(
                new Api(),
                obj("challengeId", UUID.randomUUID().toString()),
                h.authenticator().assertion(signInOptions(api).get("publicKey"))));
        Api.Res malformed = api.post(
                "/api/auth/passkey", obj("challengeId", "not-a-uuid", "credential", obj("type", "public-key")));
        assertEquals(400, malformed.status(), malformed.toString());
        assertRefused(withCredentialId("AAAA"));
        Api.Res nul = withCredentialId("\u0000");
        assertEquals(400, nul.status(), nul.toString());
        assertEquals("application/problem+json", nul.header("Content-Type"));
    }

    /**
     * Options are throttled per address (30 a minute by default), and failed passkey sign-ins count
     * with the address's failed sign-ins (8 a minute on the suite's server): past them, even a right
     * assertion from that address waits, while another address signs in.
     */
    @Test
    void optionsAndFailuresAreThrottledPerAddress() throws Exception {
        Api one = new Api();
        Api.Res r = null;
        for (int i = 0; i < 31; i++) {
            r = one.post("/api/auth/passkey/options", obj());
            if (r.status() == 429) {
                break;
            }
            assertEquals(200, r.status(), r.toString());
        }
        assertEquals(429, r.status(), "the 31st options of a minute");
        assertTrue(Long.parseLong(r.header("Retry-After")) >= 1);
        assertEquals("application/problem+json", r.header("Content-Type"));
        assertEquals(200, new Api().post("/api/auth/passkey/options", obj()).status(), "another address");

        Holder h = holder();
        Api guesser = new Api();
        Api.Res refused = null;
        for (int i = 0; i < 9; i++) {
            JsonNode options = signInOptions(api);
            TestAuthenticator.Assertion forged = new TestAuthenticator.Assertion();
            forged.badSignature = true;
            refused = signIn(guesser, options, h.authenticator().assertion(options.get("publicKey"), forged));
            if (refused.status() == 429) {
                break;
            }
            assertRefused(refused);
        }
        assertEquals(429, refused.status(), "failures past the address's limit");
        JsonNode options = signInOptions(api);
        Api.Res held = signIn(guesser, options, h.authenticator().assertion(options.get("publicKey")));
        assertEquals(429, held.status(), held.toString());
        signIn(new Api(), h.authenticator());
    }

    /**
     * A credential that cannot even be read is a failed sign-in of its address like any other: its
     * attempt is taken and committed although nothing is looked up for it. Past the address's
     * limit the answer is 429; each refusal before it left one audited failure from that address,
     * with the parse's reason.
     */
    @Test
    void unreadableCredentialsCountWithTheAddressFailures() throws Exception {
        Api one = new Api();
        ObjectNode unreadable =
                obj("challengeId", UUID.randomUUID().toString(), "credential", obj("type", "public-key", "id", "AAAA"));
        Api.Res r = null;
        int refused = 0;
        for (int i = 0; i < 20; i++) {
            r = one.post("/api/auth/passkey", unreadable);
            if (r.status() == 429) {
                break;
            }
            assertRefused(r);
            refused++;
        }
        assertEquals(429, r.status(), "unreadable credentials count with the address's failures: " + r);
        assertEquals("application/problem+json", r.header("Content-Type"));
        assertTrue(Long.parseLong(r.header("Retry-After")) >= 1);
        // The suite's limit is 8 a minute, refilled one by one: a slow machine may get a ninth.
        assertTrue(refused >= 8 && refused < 20, "refused before the 429: " + refused);
        assertEquals(
                refused,
                rows(
                        "select count(*) from audit_events where action = 'auth.login.failed' and ip = ?"
                                + " and details ->> 'method' = 'passkey'"
                                + " and details ->> 'reason' like 'malformed assertion%'",
                        one.clientAddress()));
        assertRefused(withCredentialId("AAAA"));
    }

    /** A sign-in, from an address of its own, with a credential that is nothing but this id. */
    static Api.Res withCredentialId(String id) {
        return new Api()
                .post(
                        "/api/auth/passkey",
                        obj(
                                "challengeId",
                                UUID.randomUUID().toString(),
                                "credential",
                                obj("type", "public-key", "id", id)));
    }

    /** A counter that does not grow refuses the sign-in and audits auth.passkey.cloned; 0 and 0 is no counter. */
    @Test
    void aSignatureCounterThatDoesNotGrowIsAClone() throws Exception {
        Holder h = holder();
        h.authenticator().counter = 500;
        signIn(api, h.authenticator());
        assertEquals(501, rows("select sign_count from passkeys where id = ?", UUID.fromString(h.passkeyId())));
        for (long replayed : List.of(501L, 42L)) {
            JsonNode options = signInOptions(api);
            TestAuthenticator.Assertion same = new TestAuthenticator.Assertion();
            same.counter = replayed;
            assertRefused(signIn(new Api(), options, h.authenticator().assertion(options.get("publicKey"), same)));
        }
        assertEquals(
                2,
                rows(
                        "select count(*) from audit_events where action = 'auth.passkey.cloned' and actor_id = ?",
                        UUID.fromString(h.account().id())));
        assertEquals(501, rows("select sign_count from passkeys where id = ?", UUID.fromString(h.passkeyId())));

        // An authenticator without a counter (synced passkeys) signs 0 every time.
        Api.Account b = api.account(admin);
        TestAuthenticator synced = new TestAuthenticator(server.webAuthnOrigin());
        addPasskey(api, synced, b.token(), b.password(), "synced");
        assertEquals(0, rows("select sign_count from passkeys where user_id = ?", UUID.fromString(b.id())));
        synced.counter = 0;
        signIn(new Api(), synced);
        signIn(new Api(), synced);
    }

    /** Two sign-ins with one assertion, at once: exactly one succeeds, every round. */
    @Test
    void oneAssertionSignsInOnceUnderConcurrency() throws Exception {
        Holder h = holder();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 10; round++) {
                JsonNode options = signInOptions(api);
                ObjectNode assertion = h.authenticator().assertion(options.get("publicKey"));
                List<Callable<Integer>> racers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    Api client = new Api();
                    racers.add(() -> signIn(client, options, assertion).status());
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : pool.invokeAll(racers)) {
                    statuses.add(f.get());
                }
                assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "round " + round + ": " + statuses);
                assertEquals(2, statuses.stream().filter(s -> s == 401).count(), "round " + round + ": " + statuses);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** WebAuthn 7.1: each bad value in an otherwise right registration is refused, and nothing is stored. */
    @Test
    void everyCheckOfARegistrationRefusesIt() throws Exception {
        Api.Account a = api.account(admin);
        TestAuthenticator authenticator = new TestAuthenticator(server.webAuthnOrigin());
        Map<String, Consumer<TestAuthenticator.Registration>> bad = new java.util.LinkedHashMap<>();
        bad.put("another challenge", x -> x.challenge = TestAuthenticator.sha256(new byte[] {7}));
        bad.put("another origin", x -> x.origin = "https://vigile.example.evil");
        bad.put("another RP ID", x -> x.rpId = "evil.example");
        bad.put("an assertion's client data", x -> x.type = "webauthn.get");
        bad.put("no user verification", x -> x.flags = 0x41); // UP, AT
        bad.put("no user presence", x -> x.flags = 0x44); // UV, AT
        bad.put("an algorithm not offered", x -> x.algorithm = COSEAlgorithmIdentifier.PS256);
        for (Map.Entry<String, Consumer<TestAuthenticator.Registration>> c : bad.entrySet()) {
            JsonNode options = creationOptions(api, a.token(), a.password());
            TestAuthenticator.Registration tamper = new TestAuthenticator.Registration();
            c.getValue().accept(tamper);
            ObjectNode credential = authenticator.register(options.get("publicKey"), tamper);
            Api.Res r = api.post(
                    "/api/users/me/passkeys",
                    obj("challengeId", options.get("challengeId").asText(), "credential", credential),
                    a.token());
            assertEquals(400, r.status(), c.getKey() + ": " + r);
            assertEquals("application/problem+json", r.header("Content-Type"));
            // The challenge went with the attempt.
            Api.Res again = api.post(
                    "/api/users/me/passkeys",
                    obj(
                            "challengeId",
                            options.get("challengeId").asText(),
                            "credential",
                            authenticator.register(options.get("publicKey"))),
                    a.token());
            assertEquals(400, again.status(), c.getKey() + " (the challenge again): " + again);
        }
        assertEquals(0, rows("select count(*) from passkeys where user_id = ?", UUID.fromString(a.id())));

        // Another user's challenge.
        Api.Account b = api.account(admin);
        JsonNode theirs = creationOptions(api, b.token(), b.password());
        Api.Res stolen = api.post(
                "/api/users/me/passkeys",
                obj(
                        "challengeId",
                        theirs.get("challengeId").asText(),
                        "credential",
                        authenticator.register(theirs.get("publicKey"))),
                a.token());
        assertEquals(400, stolen.status(), stolen.toString());

        // A credential id registered already, to someone else: 409, and the first holder keeps it.
        Holder first = holder();
        byte[] taken = TestAuthenticator.UNB64.decode(first.authenticator().lastCredentialId);
        JsonNode options = creationOptions(api, a.token(), a.password());
        TestAuthenticator.Registration same = new TestAuthenticator.Registration();
        same.credentialId = taken;
        Api.Res duplicate = api.post(
                "/api/users/me/passkeys",
                obj(
                        "challengeId",
                        options.get("challengeId").asText(),
                        "credential",
                        authenticator.register(options.get("publicKey"), same)),
                a.token());
        assertEquals(409, duplicate.status(), duplicate.toString());
        assertEquals(
                1,
                rows(
                        "select count(*) from passkeys where user_id = ?",
                        UUID.fromString(first.account().id())));
        assertEquals(0, rows("select count(*) from passkeys where user_id = ?", UUID.fromString(a.id())));
    }

    @Test
    void aUserHoldsAtMostTwentyPasskeysEvenWhenAddingConcurrently() throws Exception {
        Api.Account a = api.account(admin);
        TestAuthenticator authenticator = new TestAuthenticator(server.webAuthnOrigin());
        for (int i = 0; i < 18; i++) {
            addPasskey(api, authenticator, a.token(), a.password(), "key " + i);
        }
        // Three at once for the last two places: two 201s, one 409.
        List<JsonNode> options = new ArrayList<>();
        List<ObjectNode> credentials = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JsonNode o = creationOptions(api, a.token(), a.password());
            options.add(o);
            credentials.add(authenticator.register(o.get("publicKey")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<Integer>> adds = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int k = i;
                adds.add(() -> api.post(
                                "/api/users/me/passkeys",
                                obj(
                                        "challengeId",
                                        options.get(k).get("challengeId").asText(),
                                        "credential",
                                        credentials.get(k)),
                                a.token())
                        .status());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(adds)) {
                statuses.add(f.get());
            }
            assertEquals(2, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(20, rows("select count(*) from passkeys where user_id = ?", UUID.fromString(a.id())));
        assertEquals(
                20,
                api.get("/api/users/me", a.token()).json().get("passkeyCount").asInt());
    }

    @Test
    void renamingAndRemovingAPasskeyIsTheOwnersAndEndsWhatItStarted() throws Exception {
        Holder h = holder();
        Holder stranger = holder();
        String token = h.account().token();
        String path = "/api/users/me/passkeys/" + h.passkeyId();
        Api.Res renamed = api.patch(path, obj("name", "work phone"), token);
        assertEquals(200, renamed.status(), renamed.toString());
        assertEquals("work phone", renamed.json().get("name").asText());
        for (String name : List.of("", " ", "x".repeat(65), "bad\u0000name", "zero\u200Bwidth")) {
            assertEquals(400, api.patch(path, obj("name", name), token).status(), name);
        }
        assertEquals(
                404,
                api.patch("/api/users/me/passkeys/" + stranger.passkeyId(), obj("name", "mine"), token)
                        .status());
        assertEquals(
                404,
                api.delete("/api/users/me/passkeys/" + stranger.passkeyId(), token)
                        .status());
        assertEquals(404, api.delete("/api/users/me/passkeys/not-an-id", token).status());
        assertEquals(1, rows("select count(*) from passkeys where id = ?", UUID.fromString(stranger.passkeyId())));

        // Sessions the passkey started end with it; the one the removal comes from stays.
        JsonNode byPasskey = signIn(new Api(), h.authenticator());
        JsonNode alsoByPasskey = signIn(new Api(), h.authenticator());
        String from = byPasskey.get("access_token").asText();
        assertEquals(204, api.delete(path, from).status());
        assertEquals(0, rows("select count(*) from passkeys where id = ?", UUID.fromString(h.passkeyId())));
        assertEquals(
                0, api.get("/api/users/me", token).json().get("passkeyCount").asInt());
        assertEquals(
                401, api.refresh(alsoByPasskey.get("refresh_token").asText()).status(), "ended with its passkey");
        assertEquals(
                401,
                api.get("/api/users/me", alsoByPasskey.get("access_token").asText())
                        .status());
        assertEquals(200, api.refresh(byPasskey.get("refresh_token").asText()).status(), "the removing session stays");
        assertEquals(200, api.refresh(h.account().refreshToken()).status(), "a password session stays");
        TestMail.awaitSubject(h.account().email(), "A passkey was removed from your account");
        assertEquals(
                1,
                rows(
                        "select count(*) from audit_events where action = 'user.passkey.removed' and actor_id = ?",
                        UUID.fromString(h.account().id())));
        JsonNode options = signInOptions(api);
        assertRefused(signIn(new Api(), options, h.authenticator().assertion(options.get("publicKey"))));
    }

    @Test
    void anAdministratorListsAndRemovesAUsersPasskeysButNotAMorePrivilegedOnes() throws Exception {
        Holder h = holder();
        Api.Res listed = api.get("/api/admin/users/" + h.account().id() + "/passkeys", admin);
        assertEquals(200, listed.status(), listed.toString());
        assertEquals(h.passkeyId(), listed.json().get(0).get("id").asText());
        assertEquals("laptop", listed.json().get(0).get("name").asText());
        assertEquals(
                404,
                api.get("/api/admin/users/" + UUID.randomUUID() + "/passkeys", admin)
                        .status());

        // A user manager without audit:read cannot touch an ADMIN's passkey.
        String role = Api.uniqueRole("KEYS");
        assertEquals(
                201,
                api.post(
                                "/api/admin/roles",
                                obj("name", role, "permissions", List.of("users:read", "users:write")),
                                admin)
                        .status());
        Api.Account manager = api.account(admin, role);
        Api.Account adminUser = api.account(admin, "ADMIN");
        TestAuthenticator adminKey = new TestAuthenticator(server.webAuthnOrigin());
        String adminPasskey = addPasskey(api, adminKey, adminUser.token(), adminUser.password(), "yubikey")
                .get("id")
                .asText();
        Api.Res refused =
                api.delete("/api/admin/users/" + adminUser.id() + "/passkeys/" + adminPasskey, manager.token());
        assertEquals(403, refused.status(), refused.toString());
        assertEquals(1, rows("select count(*) from passkeys where id = ?", UUID.fromString(adminPasskey)));
        signIn(new Api(), adminKey);

        assertEquals(
                204,
                api.delete("/api/admin/users/" + h.account().id() + "/passkeys/" + h.passkeyId(), manager.token())
                        .status());
        assertEquals(
                404,
                api.delete("/api/admin/users/" + h.account().id() + "/passkeys/" + h.passkeyId(), manager.token())
                        .status());
        JsonNode inbox =
                api.get("/api/notifications", h.account().token()).json().get("items");
        assertEquals("passkey.changed", inbox.get(0).get("kind").asText());
        assertEquals("removed", inbox.get(0).get("data").get("change").asText());
        JsonNode options = signInOptions(api);
        assertRefused(signIn(new Api(), options, h.authenticator().assertion(options.get("publicKey"))));
    }

    /** The second step with a passkey, for a user with a password and TOTP. */
    @Test
    void aPasskeyIsASecondFactor() throws Exception {
        Api.Account a = api.account(admin);
        MfaIT.confirmEnrollment(api, a.token(), MfaIT.startEnrollment(api, a.token(), a.password()));
        Api.Res before = api.login(a.email(), a.password());
        assertEquals(
                "[\"totp\",\"recovery_code\"]", before.json().get("methods").toString());
        Api.Res noPasskey = api.post(
                "/api/auth/login/mfa/passkey-options",
                obj("mfaToken", before.json().get("mfa_token").asText()));
        assertEquals(409, noPasskey.status(), noPasskey.toString());

        TestAuthenticator authenticator = new TestAuthenticator(server.webAuthnOrigin());
        String token =
                api.login(a.email(), a.password()).json().get("mfa_token").asText();
        String access = api.post(
                        "/api/auth/login/mfa",
                        obj("mfaToken", token, "code", MfaIT.code(AccessMatrixIT.lastSecret, MfaIT.currentStep() + 1)))
                .json()
                .get("access_token")
                .asText();
        addPasskey(api, authenticator, access, a.password(), "key");

        Api.Res first = api.login(a.email(), a.password());
        assertEquals(202, first.status(), first.toString());
        assertEquals(
                "[\"totp\",\"recovery_code\",\"passkey\"]",
                first.json().get("methods").toString());
        String mfaToken = first.json().get("mfa_token").asText();
        Api.Res asked = api.post("/api/auth/login/mfa/passkey-options", obj("mfaToken", mfaToken));
        assertEquals(200, asked.status(), asked.toString());
        JsonNode pk = asked.json().get("publicKey");
        assertEquals(
                authenticator.lastCredentialId,
                pk.get("allowCredentials").get(0).get("id").asText());

        // Another sign-in's challenge is refused, and counts against the token.
        Api.Res other = api.login(a.email(), a.password());
        JsonNode otherOptions = api.post(
                        "/api/auth/login/mfa/passkey-options",
                        obj("mfaToken", other.json().get("mfa_token").asText()))
                .json();
        Api.Res crossed = api.post(
                "/api/auth/login/mfa",
                obj(
                        "mfaToken",
                        mfaToken,
                        "challengeId",
                        otherOptions.get("challengeId").asText(),
                        "credential",
                        authenticator.assertion(otherOptions.get("publicKey"))));
        assertEquals(401, crossed.status(), crossed.toString());
        // A bad signature too.
        TestAuthenticator.Assertion forged = new TestAuthenticator.Assertion();
        forged.badSignature = true;
        JsonNode retry = api.post("/api/auth/login/mfa/passkey-options", obj("mfaToken", mfaToken))
                .json();
        assertEquals(
                401,
                api.post(
                                "/api/auth/login/mfa",
                                obj(
                                        "mfaToken",
                                        mfaToken,
                                        "challengeId",
                                        retry.get("challengeId").asText(),
                                        "credential",
                                        authenticator.assertion(retry.get("publicKey"), forged)))
                        .status());
        assertEquals(
                2,
                rows(
                        "select failures from mfa_challenges where token_hash = ?",
                        dev.vigile.security.OpaqueTokens.hash(mfaToken)));

        JsonNode last = api.post("/api/auth/login/mfa/passkey-options", obj("mfaToken", mfaToken))
                .json();
        Api.Res done = api.post(
                "/api/auth/login/mfa",
                obj(
                        "mfaToken",
                        mfaToken,
                        "challengeId",
                        last.get("challengeId").asText(),
                        "credential",
                        authenticator.assertion(last.get("publicKey"))));
        assertEquals(200, done.status(), done.toString());
        assertEquals(
                "[\"pwd\",\"hwk\"]",
                Api.claims(done.json().get("access_token").asText()).get("amr").toString());
        Api.Res both = api.post(
                "/api/auth/login/mfa",
                obj(
                        "mfaToken",
                        mfaToken,
                        "code",
                        "123456",
                        "challengeId",
                        last.get("challengeId").asText(),
                        "credential",
                        authenticator.assertion(last.get("publicKey"))));
        assertEquals(400, both.status(), both.toString());
    }

    /** A role that requires MFA is satisfied by a passkey sign-in, and a passkey may be its enrollment. */
    @Test
    void aPasskeySignInSatisfiesARoleThatRequiresMfa() throws Exception {
        MfaIT.ensureGuardedRole(api, admin);
        String reader = Api.uniqueRole("READER");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", reader, "permissions", List.of("users:read")), admin)
                        .status());
        Api.Account a = api.account(admin, "MFA_GUARDED", reader);
        assertTrue(a.tokens().get("mfa_enrollment_required").asBoolean());
        assertEquals(403, api.get("/api/users", a.token()).status());
        TestAuthenticator authenticator = new TestAuthenticator(server.webAuthnOrigin());
        addPasskey(api, authenticator, a.token(), a.password(), "enrolled");
        JsonNode tokens = signIn(new Api(), authenticator);
        assertFalse(tokens.path("mfa_enrollment_required").asBoolean(false), tokens.toString());
        assertTrue(Api.claims(tokens.get("access_token").asText())
                .get("groups")
                .toString()
                .contains("users:read"));
        assertEquals(
                200,
                api.get("/api/users?size=1", tokens.get("access_token").asText())
                        .status());
        JsonNode refreshed = api.refresh(tokens.get("refresh_token").asText()).json();
        assertEquals(
                200,
                api.get("/api/users?size=1", refreshed.get("access_token").asText())
                        .status());

        // The password alone now gives a token that may only enroll, and it may not add a factor
        // over the passkey: whoever knows the password would add theirs and sign in with it.
        Api.Res password = api.login(a.email(), a.password());
        assertEquals(200, password.status(), password.toString());
        String enrollOnly = password.json().get("access_token").asText();
        assertEquals("[\"mfa:enroll\"]", Api.claims(enrollOnly).get("groups").toString());
        Api.Res options = api.post("/api/users/me/passkeys/options", obj("currentPassword", a.password()), enrollOnly);
        assertEquals(403, options.status(), options.toString());
        Api.Res totp = api.post("/api/users/me/mfa/totp", obj("currentPassword", a.password()), enrollOnly);
        assertEquals(403, totp.status(), totp.toString());
        assertEquals(1, rows("select count(*) from passkeys where user_id = ?", UUID.fromString(a.id())));
        assertEquals(0, rows("select count(*) from mfa_totp where user_id = ?", UUID.fromString(a.id())));
        // With a session the passkey proved, a second passkey may be added.
        addPasskey(
                api,
                new TestAuthenticator(server.webAuthnOrigin()),
                refreshed.get("access_token").asText(),
                a.password(),
                "second");
    }

    /** Revocation matrix, passkey rows: a credential event voids a registration under way; a disabled user is refused. */
    @Test
    void credentialEventsVoidRegistrationsAndADisabledUserIsRefused() throws Exception {
        Api.Account a = api.account(admin);
        TestAuthenticator authenticator = new TestAuthenticator(server.webAuthnOrigin());
        JsonNode options = creationOptions(api, a.token(), a.password());
        ObjectNode credential = authenticator.register(options.get("publicKey"));
        assertEquals(204, api.post("/api/auth/logout-all", null, a.token()).status());
        Api.Account again = new Api.Account(
                a.id(),
                a.email(),
                a.password(),
                api.login(a.email(), a.password()).json());
        Api.Res voided = api.post(
                "/api/users/me/passkeys",
                obj("challengeId", options.get("challengeId").asText(), "credential", credential),
                again.token());
        assertEquals(400, voided.status(), voided.toString());
        assertEquals(0, rows("select count(*) from passkeys where user_id = ?", UUID.fromString(a.id())));

        addPasskey(api, authenticator, again.token(), a.password(), "kept");
        String newPassword = "another long passphrase " + UUID.randomUUID();
        assertEquals(
                204,
                api.put(
                                "/api/users/me/password",
                                obj("currentPassword", a.password(), "newPassword", newPassword),
                                again.token())
                        .status());
        JsonNode tokens = signIn(new Api(), authenticator);
        assertNotNull(tokens.get("access_token"), "a passkey outlives a password change");

        assertEquals(
                200,
                api.patch("/api/users/" + a.id(), obj("enabled", false), admin).status());
        JsonNode o = signInOptions(api);
        assertRefused(signIn(new Api(), o, authenticator.assertion(o.get("publicKey"))));
        assertEquals(401, api.refresh(tokens.get("refresh_token").asText()).status());
    }
}
