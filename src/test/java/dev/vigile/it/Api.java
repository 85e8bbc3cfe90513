package dev.vigile.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A REST client as a user of the API would write one. Each instance speaks from its own client
 * address (via X-Forwarded-For, which the test server trusts from loopback), so that failed-login
 * throttling per address does not leak between tests.
 */
public final class Api {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String baseUrl;
    private final String clientAddress;

    public Api() {
        this(TestServer.get().url(""));
    }

    /** A client of the Vigile at this base URL (another instance of a cluster, say). */
    public Api(String baseUrl) {
        this.baseUrl = baseUrl;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        this.clientAddress = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    public String clientAddress() {
        return clientAddress;
    }

    /** A response: status, headers and the body, parsed when it is JSON. */
    public record Res(int status, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + raw.body(), e);
            }
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        public String body() {
            return raw.body();
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    public static ObjectNode obj(Object... kv) {
        ObjectNode n = JSON.createObjectNode();
        for (int i = 0; i < kv.length; i += 2) {
            n.putPOJO((String) kv[i], kv[i + 1]);
        }
        return n;
    }

    /**
     * Whether the server runs where Vigile's bundled native libraries load (Linux on x86-64: these
     * machines and the container image): AWS-LC signs and libargon2 hashes there.
     */
    public static boolean nativeLibrariesLoad() {
        return System.getProperty("os.name").equals("Linux")
                && java.util.Set.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    }

    public static String uniqueEmail() {
        return "u" + UUID.randomUUID().toString().substring(0, 13) + "@example.com";
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("X-Forwarded-For", clientAddress)
                .header("User-Agent", "vigile-it");
    }

    public Res send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> r;
            try {
                r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // A pooled keep-alive connection the server had just closed (its idle timeout): the
                // request got no byte back, not an answer. Sent once more on a new connection.
                if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
                r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            }
            return new Res(r.statusCode(), r);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public Res post(String path, Object body, String token) {
        HttpRequest.Builder b = request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.toString()));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    public Res post(String path, Object body) {
        return post(path, body, null);
    }

    public Res get(String path, String token) {
        HttpRequest.Builder b = request(path).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    public Res delete(String path, String token) {
        HttpRequest.Builder b = request(path).DELETE();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    /** Any method, with an optional JSON body and token. */
    public Res call(String method, String path, Object body, String token) {
        return call(method, path, body, token, Map.of());
    }

    /** Any method, with an optional JSON body and token, and headers set (or replaced). */
    public Res call(String method, String path, Object body, String token, Map<String, String> headers) {
        HttpRequest.Builder b = request(path)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::setHeader);
        return send(b);
    }

    public Res put(String path, Object body, String token) {
        return call("PUT", path, body, token);
    }

    public Res patch(String path, Object body, String token) {
        return call("PATCH", path, body, token);
    }

    /** The check of this name in {@code /health/ready}; fails the test, with the document, if absent. */
    public JsonNode readinessCheck(String name) {
        JsonNode ready = get("/health/ready", null).json();
        for (JsonNode check : ready.get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no readiness check " + name + " in " + ready);
    }

    /** {@code /metrics} as the scraper reads it: the scrape token as a Basic password. */
    public Res metrics(String query) {
        String basic = java.util.Base64.getEncoder()
                .encodeToString(
                        ("prometheus:" + TestServer.METRICS_TOKEN).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return call("GET", "/metrics" + query, null, null, Map.of("Authorization", "Basic " + basic));
    }

    /** The admin's access token (the account the test server bootstraps). */
    public String adminToken() {
        Res r = login(TestServer.ADMIN_EMAIL, TestServer.ADMIN_PASSWORD);
        if (r.status() != 200) {
            throw new AssertionError("admin login failed: " + r);
        }
        return r.json().get("access_token").asText();
    }

    /** An account made for one test: its id, email, password and a fresh login. */
    public record Account(String id, String email, String password, JsonNode tokens) {
        public String token() {
            return tokens.get("access_token").asText();
        }

        public String refreshToken() {
            return tokens.get("refresh_token").asText();
        }
    }

    /** Creates an account through the admin API with these roles (besides USER) and logs it in. */
    public Account account(String adminToken, String... roles) {
        String email = uniqueEmail();
        String password = "a long enough passphrase " + UUID.randomUUID();
        Res created = post(
                "/api/users", obj("email", email, "password", password, "roles", java.util.List.of(roles)), adminToken);
        if (created.status() != 201) {
            throw new AssertionError("create user failed: " + created);
        }
        Res login = login(email, password);
        if (login.status() != 200) {
            throw new AssertionError("login failed: " + login);
        }
        return new Account(created.json().get("id").asText(), email, password, login.json());
    }

    /** The claims of a JWT, read without verification (the server verified it). */
    public static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A role name no other test uses. */
    public static String uniqueRole(String prefix) {
        return prefix + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase(java.util.Locale.ROOT);
    }

    public Res register(String email, String password) {
        return post("/api/auth/register", obj("email", email, "password", password));
    }

    public Res login(String email, String password) {
        return post("/api/auth/login", obj("email", email, "password", password));
    }

    public Res refresh(String refreshToken) {
        return post("/api/auth/refresh", obj("refreshToken", refreshToken));
    }

    /** Registers a new user and returns the token response. */
    public JsonNode newUser() {
        Res r = register(uniqueEmail(), "a long enough passphrase " + UUID.randomUUID());
        if (r.status() != 201) {
            throw new AssertionError("register failed: " + r);
        }
        return r.json();
    }

    public Map<String, String> headers(Res r) {
        Map<String, String> m = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        r.raw().headers().map().forEach((k, v) -> m.put(k, String.join(",", v)));
        return m;
    }

    /** Reads a raw HTTP answer's status line and headers, up to the blank line (raw-socket tests). */
    public static String head(java.io.InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }
}
