import dev.vigile.it.Api;
import dev.vigile.it.BenchServer;
import dev.vigile.it.TestAuthenticator;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.function.IntConsumer;

/** See run.sh. */
public class UnitsOfWork {
    static BenchServer server;

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        // Passkey ceremonies come from this origin; a hundred sign-ins a minute from one address
        // are more options than the production limit allows.
        try (BenchServer s = BenchServer.start(
                "uow",
                Map.of(
                        "VIGILE_WEBAUTHN_ORIGINS",
                        PASSKEY_ORIGIN,
                        "VIGILE_PASSKEY_OPTIONS_THROTTLE_ADDRESS",
                        "100000/PT1M"),
                "-Xmx512m")) {
            server = s;
            String dbName = s.jdbcUrl.replaceFirst(".*/([^/?]*)(\\?.*)?$", "$1");
            String statsUrl = s.jdbcUrl.replaceFirst("/[^/?]*(\\?|$)", "/postgres$1");
            try (Connection stats = DriverManager.getConnection(statsUrl, s.dbUser, "")) {
                // A returning API client: its device token from a first sign-in.
                HttpResponse<String> first = post("/api/auth/login", login(null), false, null);
                String device =
                        Api.JSON.readTree(first.body()).get("device_token").asText();
                String[] refresh = {
                    Api.JSON.readTree(first.body()).get("refresh_token").asText()
                };
                HttpResponse<String> firstBrowser = post("/api/auth/login", login(device), true, null);
                String[] cookies = {cookies(firstBrowser, null)};

                double[] idle = perSecond(stats, dbName);
                System.out.printf(
                        "| operation | commits each (N = %d) | rows written each | WAL bytes each |%n|---|---:|---:|---:|%n",
                        n);
                row(
                        stats,
                        dbName,
                        idle,
                        n,
                        "sign-in, known device (API)",
                        i -> send("/api/auth/login", login(device), false, null));
                row(
                        stats,
                        dbName,
                        idle,
                        n,
                        "sign-in, known device (browser)",
                        i -> send("/api/auth/login", login(device), true, null));
                row(stats, dbName, idle, n, "refresh (API)", i -> {
                    HttpResponse<String> r =
                            send("/api/auth/refresh", "{\"refreshToken\":\"" + refresh[0] + "\"}", false, null);
                    refresh[0] = field(r.body(), "refresh_token");
                });
                row(stats, dbName, idle, n, "refresh (browser cookie)", i -> {
                    HttpResponse<String> r = send("/api/auth/refresh", "{}", true, cookies[0]);
                    cookies[0] = cookies(r, cookies[0]);
                });
                // A returning user's passkey sign-in (API): the options, then the assertion with the
                // device token of the first sign-in. The passkey is added before the counts start.
                TestAuthenticator authenticator = new TestAuthenticator(PASSKEY_ORIGIN);
                // A new access token: the first sign-in's may have lapsed (five minutes) by now.
                String access = field(
                        send("/api/auth/login", login(device), false, null).body(), "access_token");
                HttpResponse<String> creation = sendAs(
                        "/api/users/me/passkeys/options",
                        "{\"currentPassword\":\"" + BenchServer.ADMIN_PASSWORD + "\"}",
                        access,
                        200);
                var creationOptions = Api.JSON.readTree(creation.body());
                sendAs(
                        "/api/users/me/passkeys",
                        finish(
                                creationOptions,
                                "name",
                                "bench",
                                authenticator.register(creationOptions.get("publicKey"))),
                        access,
                        201);
                row(stats, dbName, idle, n, "passkey sign-in, known device (API: options and sign-in)", i -> {
                    try {
                        var options = Api.JSON.readTree(send("/api/auth/passkey/options", "{}", false, null)
                                .body());
                        send(
                                "/api/auth/passkey",
                                finish(
                                        options,
                                        "deviceToken",
                                        device,
                                        authenticator.assertion(options.get("publicKey"))),
                                false,
                                null);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                System.out.printf(
                        "%nidle server: %.2f commits/s, %.2f rows written/s, %.0f WAL bytes/s (subtracted)%n",
                        idle[0], idle[1], idle[2]);
            }
        }
    }

    static final String PASSKEY_ORIGIN = "http://localhost:8080";

    /** The body that finishes a passkey ceremony: its challenge, one more field, the credential. */
    static String finish(
            com.fasterxml.jackson.databind.JsonNode options,
            String field,
            String value,
            com.fasterxml.jackson.databind.JsonNode credential)
            throws java.io.IOException {
        return Api.JSON.writeValueAsString(Api.JSON
                .createObjectNode()
                .put("challengeId", options.get("challengeId").asText())
                .put(field, value)
                .set("credential", credential));
    }

    /** A POST as the holder of this access token, checked to answer {@code status}. */
    static HttpResponse<String> sendAs(String path, String body, String token, int status) throws Exception {
        HttpResponse<String> r = BenchServer.HTTP.send(
                HttpRequest.newBuilder(URI.create(server.base + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != status) {
            throw new IllegalStateException(path + " " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    static String login(String device) {
        return "{\"email\":\"" + BenchServer.ADMIN + "\",\"password\":\"" + BenchServer.ADMIN_PASSWORD + "\""
                + (device == null ? "" : ",\"deviceToken\":\"" + device + "\"") + "}";
    }

    static String field(String body, String name) {
        try {
            return Api.JSON.readTree(body).get(name).asText();
        } catch (Exception e) {
            throw new IllegalStateException(body, e);
        }
    }

    /** The cookies to send next: the response's Set-Cookie values over the previous ones. */
    static String cookies(HttpResponse<String> r, String previous) {
        java.util.Map<String, String> jar = new java.util.LinkedHashMap<>();
        if (previous != null) {
            for (String c : previous.split("; ")) {
                jar.put(c.substring(0, c.indexOf('=')), c);
            }
        }
        for (String set : r.headers().allValues("set-cookie")) {
            String c = set.split(";", 2)[0];
            jar.put(c.substring(0, c.indexOf('=')), c);
        }
        return String.join("; ", jar.values());
    }

    static HttpResponse<String> send(String path, String body, boolean browser, String cookie) {
        try {
            HttpResponse<String> r = post(path, body, browser, cookie);
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " " + r.statusCode() + " " + r.body());
            }
            return r;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> post(String path, String body, boolean browser, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (browser) {
            b.header("X-Vigile-Client", "browser");
        }
        if (cookie != null) {
            b.header("Cookie", cookie);
            String csrf = java.util.Arrays.stream(cookie.split("; "))
                    .filter(c -> c.contains("csrf="))
                    .findFirst()
                    .map(c -> c.substring(c.indexOf('=') + 1))
                    .orElse("");
            b.header("X-CSRF-Token", csrf);
        }
        return BenchServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Commits and rows written (inserted, updated, deleted) in the database, and WAL written by the
     * whole cluster, once every backend has reported its own: PostgreSQL backends flush their
     * counts within ten seconds of going idle (PGSTAT_IDLE_INTERVAL), so they are read 11 s after
     * the last operation; what the idle server does meanwhile is subtracted.
     */
    static double[] settled(Connection stats, String db) throws Exception {
        Thread.sleep(11_000);
        try (var c = stats.createStatement()) {
            c.execute("select pg_stat_clear_snapshot()");
        }
        try (PreparedStatement s =
                stats.prepareStatement("select xact_commit, tup_inserted + tup_updated + tup_deleted,"
                        + " pg_current_wal_lsn() - '0/0'::pg_lsn from pg_stat_database where datname = ?")) {
            s.setString(1, db);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new double[] {rs.getLong(1), rs.getLong(2), rs.getDouble(3)};
            }
        }
    }

    static double[] perSecond(Connection stats, String db) throws Exception {
        double[] before = settled(stats, db);
        long t0 = System.nanoTime();
        Thread.sleep(60_000);
        double[] after = settled(stats, db);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] rates = new double[3];
        for (int k = 0; k < 3; k++) {
            rates[k] = (after[k] - before[k]) / seconds;
        }
        return rates;
    }

    static void row(Connection stats, String db, double[] idle, int n, String name, IntConsumer op) throws Exception {
        double[] before = settled(stats, db);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            op.accept(i);
        }
        double[] after = settled(stats, db);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] each = new double[3];
        for (int k = 0; k < 3; k++) {
            each[k] = (after[k] - before[k] - idle[k] * seconds) / n;
        }
        System.out.printf("| %s | %.2f | %.2f | %.0f |%n", name, each[0], each[1], each[2]);
    }
}
