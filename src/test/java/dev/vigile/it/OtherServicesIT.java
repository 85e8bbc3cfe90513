package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import dev.vigile.launcher.PayaraProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vigile as other services see it (issue 35), on a server of its own whose {@code
 * VIGILE_PUBLIC_URL} is its address, so that the issuer is a URL: a third party's library (Nimbus
 * OAuth 2.0 SDK and JOSE+JWT) discovers it from the issuer alone, takes a service account's token,
 * validates tokens with the published keys and introspects them.
 */
class OtherServicesIT {
    static VigileUnderTest vigile;
    static Api api;
    static String issuer;

    /** The example resource service (examples/resource-service) on a Payara Micro of its own. */
    static Process example;

    static String exampleBase;
    static Path exampleLog;

    @BeforeAll
    static void start() throws Exception {
        int port = TestServer.freePort();
        issuer = "http://127.0.0.1:" + port;
        vigile = VigileUnderTest.named("others")
                .port(port)
                .set("VIGILE_PUBLIC_URL", issuer + "/")
                // The JVM's default compilers: this class reports introspections a second and the
                // cut-off's latency, which C1-only code would understate.
                .set("VIGILE_JAVA_MEMORY", "-Xmx512m")
                .start();
        api = vigile.api();
        startExample();
    }

    /**
     * Packages examples/resource-service as its own WAR (its classes, compiled with the tests, its
     * configuration and Nimbus JOSE for the events) and runs it on a stock Payara Micro, configured
     * with Vigile's issuer and a service account holding ssf:streams, nothing else.
     */
    static void startExample() throws Exception {
        String admin = api.adminToken();
        String[] account = client(admin, List.of("ssf:streams"));
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "example-");
        Path war = dir.resolve("resource-service.war");
        Path source = Path.of("examples", "resource-service", "src", "main");
        WebArchive archive = ShrinkWrap.create(WebArchive.class, "resource-service.war")
                .addPackage("example.resource")
                .addAsResource(
                        source.resolve("resources/META-INF/microprofile-config.properties")
                                .toFile(),
                        "META-INF/microprofile-config.properties")
                .addAsWebInfResource(source.resolve("webapp/WEB-INF/beans.xml").toFile(), "beans.xml")
                .addAsLibrary(new java.io.File(com.nimbusds.jose.JWSObject.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI()));
        archive.as(ZipExporter.class).exportTo(war.toFile(), true);
        int port = TestServer.freePort();
        exampleBase = "http://127.0.0.1:" + port + "/resource-service";
        exampleLog = Path.of("target", "it-example-" + port + ".log").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        PayaraProcess.Layout.fromSystemProperties()
                                .payaraJar()
                                .toAbsolutePath()
                                .toString(),
                        "--deploy",
                        war.toString(),
                        "--port",
                        Integer.toString(port),
                        "--nocluster")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(exampleLog.toFile()));
        pb.environment().put("VIGILE_ISSUER", issuer);
        pb.environment().put("VIGILE_CLIENT_ID", account[0]);
        pb.environment().put("VIGILE_CLIENT_SECRET", account[1]);
        example = pb.start();
        Awaitility.await("the example service and its stream (log: " + exampleLog + ")")
                .atMost(VigileUnderTest.BOOT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertTrue(example.isAlive(), "the example service exited; see " + exampleLog);
                    return exampleGet("/ready", null) == 200;
                });
    }

    /** The example service's status for a GET with this token (null for none). */
    static int exampleGet(String path, String token) {
        try {
            HttpRequest.Builder b =
                    HttpRequest.newBuilder(URI.create(exampleBase + path)).timeout(Duration.ofSeconds(10));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            return EXAMPLE_HTTP
                    .send(b.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static final HttpClient EXAMPLE_HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterAll
    static void stop() throws Exception {
        if (example != null) {
            example.destroy();
            if (!example.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                example.destroyForcibly().waitFor();
            }
        }
        if (vigile != null) {
            vigile.close();
        }
    }

    @Test
    void rolesAndPermissionsMapInAStockService() throws Exception {
        String admin = api.adminToken();
        Api.Account user = api.account(admin);
        assertEquals(200, exampleGet("/whoami", user.token()));
        assertEquals(403, exampleGet("/reports", user.token()));
        assertEquals(403, exampleGet("/admin", user.token()));
        assertEquals(200, exampleGet("/admin", admin));
        assertEquals(200, exampleGet("/reports", admin));
        assertEquals(401, exampleGet("/whoami", null));
        String token = user.token();
        int at = token.lastIndexOf('.') + 10;
        String tampered = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
        assertEquals(401, exampleGet("/whoami", tampered));
        String[] reader = client(admin, List.of("users:read"));
        String machine = clientToken(reader);
        assertEquals(200, exampleGet("/reports", machine), "a service account's token works there too");
        assertEquals(403, exampleGet("/whoami", machine), "but it is not a person");
    }

    static String clientToken(String[] c) throws Exception {
        TokenResponse response = TokenResponse.parse(new TokenRequest(
                        discover().getTokenEndpointURI(),
                        new ClientSecretBasic(new ClientID(c[0]), new Secret(c[1])),
                        new ClientCredentialsGrant())
                .toHTTPRequest()
                .send());
        assertTrue(response.indicatesSuccess(), String.valueOf(response));
        return response.toSuccessResponse().getTokens().getAccessToken().getValue();
    }

    /** Waits until the example service refuses the token, which Vigile's signature still vouches for. */
    static void awaitRefusal(String token, String path) {
        long exp = Api.claims(token).get("exp").asLong();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> exampleGet(path, token) == 401);
        assertTrue(System.currentTimeMillis() / 1000 < exp, "refused while still unexpired");
    }

    @Test
    void cutOffsReachTheStockServiceWhileTheTokensAreUnexpired() throws Exception {
        String admin = api.adminToken();
        String reader = Api.uniqueRole("READER");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", reader, "permissions", List.of("users:read")), admin)
                        .status());

        Api.Account out = api.account(admin);
        assertEquals(200, exampleGet("/whoami", out.token()));
        assertEquals(204, api.post("/api/auth/logout-all", null, out.token()).status());
        awaitRefusal(out.token(), "/whoami");

        Api.Account demoted = api.account(admin, reader);
        assertEquals(200, exampleGet("/reports", demoted.token()));
        assertEquals(
                200,
                api.put("/api/admin/users/" + demoted.id() + "/roles", obj("roles", List.of()), admin)
                        .status());
        awaitRefusal(demoted.token(), "/reports");

        Api.Account changed = api.account(admin);
        String other = api.login(changed.email(), changed.password())
                .json()
                .get("access_token")
                .asText();
        assertEquals(200, exampleGet("/whoami", other));
        assertEquals(
                204,
                api.put(
                                "/api/users/me/password",
                                obj("currentPassword", changed.password(), "newPassword", "another long passphrase 1"),
                                changed.token())
                        .status());
        awaitRefusal(other, "/whoami");

        Api.Account disabled = api.account(admin);
        assertEquals(200, exampleGet("/whoami", disabled.token()));
        assertEquals(
                200,
                api.patch("/api/users/" + disabled.id(), obj("enabled", false), admin)
                        .status());
        awaitRefusal(disabled.token(), "/whoami");

        // Someone else's tokens are untouched by all that.
        Api.Account bystander = api.account(admin);
        assertEquals(200, exampleGet("/whoami", bystander.token()));
    }

    /**
     * The other figure of issue 35: introspection requests per second beside {@code GET
     * /api/users/me}'s, measured side by side on this server (rounds alternate, four clients
     * with kept-alive connections each). {@code -Dvigile.bench.requests} sets the size; the
     * suite runs a small one (bench/introspection/run.sh a large one). Written to
     * target/introspection-rps.txt.
     */
    @Test
    void introspectionIsMeasuredBesideUsersMe() throws Exception {
        int requests = Integer.getInteger("vigile.bench.requests", 400);
        String admin = api.adminToken();
        String[] rs = client(admin, List.of("tokens:introspect"));
        String basic = "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString((rs[0] + ":" + rs[1]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Api.Account user = api.account(admin);
        HttpClient client = HttpClient.newBuilder().build();
        HttpRequest introspect = HttpRequest.newBuilder(URI.create(issuer + "/oauth2/introspect"))
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + user.token()))
                .build();
        HttpRequest me = HttpRequest.newBuilder(URI.create(issuer + "/api/users/me"))
                .header("Authorization", "Bearer " + user.token())
                .GET()
                .build();
        double[] introspections = new double[3];
        double[] mes = new double[3];
        for (int round = 0; round < 4; round++) {
            double a = rate(client, introspect, requests);
            double b = rate(client, me, requests);
            if (round > 0) {
                introspections[round - 1] = a;
                mes[round - 1] = b;
            }
        }
        java.util.Arrays.sort(introspections);
        java.util.Arrays.sort(mes);
        String line = String.format(
                java.util.Locale.ROOT,
                "introspection %.0f req/s, GET /api/users/me %.0f req/s, ratio %.2f (medians of 3 alternating rounds of %d"
                        + " requests, 4 clients)",
                introspections[1],
                mes[1],
                introspections[1] / mes[1],
                requests);
        System.out.println(line);
        Files.writeString(Path.of("target", "introspection-rps.txt"), line + System.lineSeparator());
        assertTrue(introspections[1] > 0 && mes[1] > 0, line);
    }

    /** Requests per second of {@code n} requests from 4 clients, each answered 200 with an active token. */
    static double rate(HttpClient client, HttpRequest request, int n) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(n);
            List<java.util.concurrent.Callable<Void>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                workers.add(() -> {
                    while (left.getAndDecrement() > 0) {
                        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                        assertEquals(200, r.statusCode(), r.body());
                        assertFalse(r.body().contains("\"active\":false"), r.body());
                    }
                    return null;
                });
            }
            long start = System.nanoTime();
            for (var f : pool.invokeAll(workers)) {
                f.get();
            }
            return n / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The figure of issue 35: from a logout-all's answer to the stock service's first refusal of
     * the token, over 50 tries (median and p99, written to target/ssf-cutoff-latency.txt).
     */
    @Test
    void aLogoutAllReachesTheStockServiceWithinAFewHundredMilliseconds() throws Exception {
        String admin = api.adminToken();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Api.Account a = api.account(admin);
            assertEquals(200, exampleGet("/whoami", a.token()));
            long start = System.nanoTime();
            assertEquals(204, api.post("/api/auth/logout-all", null, a.token()).status());
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> exampleGet("/whoami", a.token()) == 401);
            millis.add((System.nanoTime() - start) / 1_000_000);
        }
        java.util.Collections.sort(millis);
        long median = millis.get(millis.size() / 2);
        long p99 = millis.get((int) Math.ceil(millis.size() * 0.99) - 1);
        String line = "logout-all -> first refusal by the example service over " + millis.size() + " tries: median "
                + median + " ms, p99 " + p99 + " ms, max " + millis.get(millis.size() - 1) + " ms (poll every 200 ms)";
        System.out.println(line);
        Files.writeString(Path.of("target", "ssf-cutoff-latency.txt"), line + System.lineSeparator());
        assertTrue(p99 < 10_000, line);
    }

    /** A service account with these permissions (through a role made for it): {clientId, secret}. */
    static String[] client(String admin, List<String> permissions) {
        String role = Api.uniqueRole("SVC");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", role, "permissions", permissions), admin)
                        .status());
        Api.Res r = api.post("/api/admin/clients", obj("name", "third party", "roles", List.of(role)), admin);
        assertEquals(201, r.status(), r.toString());
        return new String[] {
            r.json().get("clientId").asText(), r.json().get("clientSecret").asText()
        };
    }

    static AuthorizationServerMetadata discover() throws Exception {
        // Resolves {issuer}/.well-known/oauth-authorization-server and checks that its issuer is ours.
        return AuthorizationServerMetadata.resolve(new Issuer(issuer));
    }

    /** A verifier configured from the issuer alone, as a resource server would be. */
    static DefaultJWTProcessor<SecurityContext> verifier(AuthorizationServerMetadata metadata) throws Exception {
        JWKSource<SecurityContext> keys =
                JWKSourceBuilder.create(metadata.getJWKSetURI().toURL()).build();
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                "vigile",
                new JWTClaimsSet.Builder()
                        .issuer(metadata.getIssuer().getValue())
                        .build(),
                Set.of("sub", "exp", "iat", "jti")));
        return processor;
    }

    @Test
    void aThirdPartyLibraryDiscoversVigileFromItsIssuer() throws Exception {
        AuthorizationServerMetadata metadata = discover();
        assertEquals(issuer, metadata.getIssuer().getValue());
        assertEquals(URI.create(issuer + "/oauth2/token"), metadata.getTokenEndpointURI());
        assertEquals(URI.create(issuer + "/oauth2/introspect"), metadata.getIntrospectionEndpointURI());
        assertEquals(URI.create(issuer + "/.well-known/jwks.json"), metadata.getJWKSetURI());
        assertEquals(List.of(GrantType.CLIENT_CREDENTIALS), metadata.getGrantTypes());
        assertEquals(
                List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST),
                metadata.getTokenEndpointAuthMethods());
        // Nothing Vigile does not do.
        assertNull(metadata.getAuthorizationEndpointURI());
        assertNull(metadata.getScopes());
        assertNull(metadata.getRevocationEndpointURI());

        Api.Res oauth = api.get("/.well-known/oauth-authorization-server", null);
        Api.Res oidc = api.get("/.well-known/openid-configuration", null);
        assertEquals(oauth.json(), oidc.json());
        assertTrue(oauth.header("Cache-Control").startsWith("public"), oauth.toString());
        assertNull(oauth.json().get("id_token_signing_alg_values_supported"));
        assertNull(oauth.json().get("scopes_supported"));
    }

    @Test
    void tokensVerifyWithTheDiscoveredKeysAndIssuer() throws Exception {
        AuthorizationServerMetadata metadata = discover();
        DefaultJWTProcessor<SecurityContext> verifier = verifier(metadata);
        String admin = api.adminToken();

        JWTClaimsSet user = verifier.process(admin, null);
        assertEquals(issuer, user.getIssuer());
        assertTrue(user.getStringListClaim("groups").contains("ADMIN"));

        String[] c = client(admin, List.of("users:read"));
        TokenResponse response = TokenResponse.parse(new TokenRequest(
                        metadata.getTokenEndpointURI(),
                        new ClientSecretBasic(new ClientID(c[0]), new Secret(c[1])),
                        new ClientCredentialsGrant())
                .toHTTPRequest()
                .send());
        assertTrue(response.indicatesSuccess(), String.valueOf(response));
        AccessTokenResponse ok = response.toSuccessResponse();
        assertNull(ok.getTokens().getRefreshToken());
        String clientToken = ok.getTokens().getAccessToken().getValue();
        JWTClaimsSet claims = verifier.process(clientToken, null);
        assertEquals("client:" + c[0], claims.getSubject());
        assertEquals(
                List.of("users:read"),
                claims.getStringListClaim("groups").stream()
                        .filter(g -> g.contains(":"))
                        .toList());
        assertEquals(200, api.get("/api/users", clientToken).status());

        // client_secret_post works as well.
        TokenResponse posted = TokenResponse.parse(new TokenRequest(
                        metadata.getTokenEndpointURI(),
                        new ClientSecretPost(new ClientID(c[0]), new Secret(c[1])),
                        new ClientCredentialsGrant())
                .toHTTPRequest()
                .send());
        assertTrue(posted.indicatesSuccess(), String.valueOf(posted));

        // A token signed for another issuer does not pass the discovered verifier.
        DefaultJWTProcessor<SecurityContext> elsewhere = new DefaultJWTProcessor<>();
        elsewhere.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256,
                JWKSourceBuilder.create(metadata.getJWKSetURI().toURL()).<SecurityContext>build()));
        elsewhere.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                "vigile", new JWTClaimsSet.Builder().issuer("vigile").build(), Set.of()));
        assertThrows(BadJOSEException.class, () -> elsewhere.process(clientToken, null));
    }

    @Test
    void aThirdPartyLibraryIntrospectsTokens() throws Exception {
        AuthorizationServerMetadata metadata = discover();
        String admin = api.adminToken();
        String[] rs = client(admin, List.of("tokens:introspect"));
        Api.Account user = api.account(admin);
        ClientSecretBasic auth = new ClientSecretBasic(new ClientID(rs[0]), new Secret(rs[1]));

        TokenIntrospectionSuccessResponse active = introspect(metadata, auth, user.token());
        assertTrue(active.isActive());
        assertEquals(user.id(), active.getSubject().getValue());
        assertEquals(issuer, active.getIssuer().getValue());
        assertEquals(user.email(), active.getUsername());

        assertEquals(204, api.post("/api/auth/logout-all", null, user.token()).status());
        assertFalse(introspect(metadata, auth, user.token()).isActive());
    }

    static TokenIntrospectionSuccessResponse introspect(
            AuthorizationServerMetadata metadata, ClientSecretBasic auth, String token) throws Exception {
        TokenIntrospectionResponse r = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(
                        metadata.getIntrospectionEndpointURI(), auth, new BearerAccessToken(token))
                .toHTTPRequest()
                .send());
        assertTrue(r.indicatesSuccess(), String.valueOf(r));
        return r.toSuccessResponse();
    }

    @Test
    void theIssuerIsThePublicUrlWithoutItsSlash() {
        JsonNode claims = Api.claims(api.adminToken());
        assertEquals(issuer, claims.get("iss").asText());
    }
}
