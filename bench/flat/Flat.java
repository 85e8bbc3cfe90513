import dev.vigile.it.Api;
import dev.vigile.it.BenchServer;
import dev.vigile.launcher.PayaraProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * See run.sh. Two servers side by side: A on the big dataset, B on a fresh database; for each hot
 * path, PAIRS pairs of closed-loop windows alternating which side goes first, each pair giving the
 * ratio A ÷ B of requests per second; the median and range are reported, with both sides' p99.
 */
public class Flat {
    static final HttpClient HTTP = BenchServer.HTTP;
    static final int CLIENTS = Integer.parseInt(System.getenv().getOrDefault("FLAT_CLIENTS", "8"));
    static final int PAIRS = Integer.parseInt(System.getenv().getOrDefault("FLAT_PAIRS", "3"));

    /** One signed-in client of a side: its user, tokens and device. */
    static final class Client {
        final String email;
        final String password;
        String access;
        String refresh;
        String device;
        long lastNotification;

        Client(String email, String password) {
            this.email = email;
            this.password = password;
        }
    }

    /** A server under test, its clients and an admin's token (renewed before each path). */
    record Side(
            String name, String base, String[] adminToken, List<Client> clients, BenchServer server, boolean dataset) {
        String admin() {
            return adminToken[0];
        }

        /** Fresh access tokens (they last five minutes; a run lasts longer). */
        void renew() throws Exception {
            adminToken[0] = Flat.admin(server, dataset);
            for (Client c : clients) {
                if (!refresh(this, c) && !login(this, c)) {
                    throw new IllegalStateException("could not renew " + c.email + " on " + name);
                }
            }
        }
    }

    interface Op {
        /** One request of client {@code c}; true when it succeeded. */
        boolean run(Side side, Client c) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        String dataset = System.getenv().getOrDefault("DATASET_DB", "vigile_dataset");
        Map<String, String> secrets = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("target", "dataset", dataset + ".env"))) {
            if (line.contains("=")) {
                secrets.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        long t0 = System.nanoTime();
        try (BenchServer big = BenchServer.startOn(dataset, secrets, "-Xmx1g")) {
            double bigStart = (System.nanoTime() - t0) / 1e9;
            // The generated chain verifies, as the server itself checks it (FLAT_VERIFY=false skips
            // it: 460 s at thirty million events).
            boolean verifyFirst = !"false".equals(System.getenv("FLAT_VERIFY"));
            long tv = System.nanoTime();
            var verify = Api.JSON.readTree(
                    verifyFirst
                            ? getBody(big.base, "/api/admin/audit/verify", admin(big, true))
                            : "{\"valid\":true,\"checked\":0}");
            if (!verify.get("valid").asBoolean()) {
                throw new IllegalStateException("the dataset's audit chain does not verify: " + verify);
            }
            System.out.printf(
                    "Audit verify on the dataset: valid, %,d events checked in %.1f s%n",
                    verify.get("checked").asLong(), (System.nanoTime() - tv) / 1e9);
            if (verifyFirst) {
                // Resumed where that one ended: only what was appended since (the admin's sign-in).
                long tr = System.nanoTime();
                var resumed =
                        Api.JSON.readTree(getBody(big.base, "/api/admin/audit/verify?resume=true", admin(big, true)));
                if (!resumed.get("valid").asBoolean()) {
                    throw new IllegalStateException("the resumed verify failed: " + resumed);
                }
                System.out.printf(
                        "Resumed verify after event %,d: valid, %,d events checked in %.3f s%n",
                        resumed.get("resumedAfter").asLong(),
                        resumed.get("checked").asLong(),
                        (System.nanoTime() - tr) / 1e9);
            }
            if (seconds == 0) {
                // Smoke (CI): every path once on the dataset's server, no windows.
                Side a = side("dataset", big, true);
                for (var op : ops().entrySet()) {
                    if (!op.getValue().run(a, a.clients().get(0))) {
                        throw new IllegalStateException(op.getKey() + " failed on the dataset");
                    }
                }
                System.out.printf("Start to ready on the dataset: %.1f s; every path answered%n", bigStart);
                return;
            }
            long t1 = System.nanoTime();
            // FLAT_B_WAR: the fresh side runs another build's WAR, to compare two builds side by side
            // (with a small dataset on the A side, a before-and-after of a change in one run).
            PayaraProcess.Layout layout = PayaraProcess.Layout.fromSystemProperties();
            String otherWar = System.getenv("FLAT_B_WAR");
            if (otherWar != null) {
                Path war = Path.of(otherWar).toAbsolutePath();
                if (!Files.isRegularFile(war)) {
                    throw new IllegalArgumentException("FLAT_B_WAR: no such file " + war);
                }
                layout = new PayaraProcess.Layout(war, layout.payaraJar(), layout.payaraDir(), layout.classData());
                System.out.println("B runs " + war);
            }
            try (BenchServer fresh = BenchServer.start("flat_fresh", Map.of(), "-Xmx1g", layout)) {
                double freshStart = (System.nanoTime() - t1) / 1e9;
                System.out.printf(
                        "Start to ready: %.1f s on the dataset, %.1f s on a fresh database%n%n", bigStart, freshStart);
                Side a = side("dataset", big, true);
                Side b = side("fresh", fresh, false);
                Map<String, Op> ops = ops();
                String only = System.getenv("FLAT_ONLY");
                System.out.println(
                        "| path | A ÷ B (median) | range | A req/s | B req/s | A p99 ms | B p99 ms | A / B failed (all windows) | A / B server CPU ms per request |");
                System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|");
                for (var op : ops.entrySet()) {
                    if (only != null && Arrays.stream(only.split(",")).noneMatch(op.getKey()::contains)) {
                        continue;
                    }
                    a.renew();
                    b.renew();
                    window(a, op.getValue(), 5);
                    window(b, op.getValue(), 5);
                    List<Double> ratios = new ArrayList<>();
                    List<double[]> as = new ArrayList<>();
                    List<double[]> bs = new ArrayList<>();
                    for (int p = 0; p < PAIRS; p++) {
                        double[] ra;
                        double[] rb;
                        if (p % 2 == 0) {
                            ra = window(a, op.getValue(), seconds);
                            rb = window(b, op.getValue(), seconds);
                        } else {
                            rb = window(b, op.getValue(), seconds);
                            ra = window(a, op.getValue(), seconds);
                        }
                        ratios.add(ra[0] / rb[0]);
                        as.add(ra);
                        bs.add(rb);
                    }
                    List<Double> sorted = ratios.stream().sorted().toList();
                    System.out.printf(
                            "| %s | %.2f | %.2f–%.2f | %,.0f | %,.0f | %.1f | %.1f | %.0f / %.0f | %.2f / %.2f |%n",
                            op.getKey(),
                            sorted.get(sorted.size() / 2),
                            sorted.get(0),
                            sorted.get(sorted.size() - 1),
                            median(as, 0),
                            median(bs, 0),
                            median(as, 1),
                            median(bs, 1),
                            as.stream().mapToDouble(w -> w[2]).sum(),
                            bs.stream().mapToDouble(w -> w[2]).sum(),
                            median(as, 3),
                            median(bs, 3));
                }
            }
        }
    }

    static Map<String, Op> ops() {
        Map<String, Op> ops = new java.util.LinkedHashMap<>();
        ops.put("POST /api/auth/login (known device)", Flat::login);
        ops.put("POST /api/auth/refresh", Flat::refresh);
        ops.put("GET /api/users/me", (s, c) -> get(s.base(), "/api/users/me", c.access));
        ops.put("GET /api/users?size=50 (admin)", (s, c) -> get(s.base(), "/api/users?size=50", s.admin()));
        ops.put("GET /api/admin/audit?size=50", (s, c) -> get(s.base(), "/api/admin/audit?size=50", s.admin()));
        ops.put(
                "GET /api/notifications?size=20 (inbox)",
                (s, c) -> get(s.base(), "/api/notifications?size=20", c.access));
        ops.put(
                "GET /api/notifications/unread-count",
                (s, c) -> get(s.base(), "/api/notifications/unread-count", c.access));
        ops.put("WebSocket connect + resume", Flat::connectAndResume);
        return ops;
    }

    /**
     * An admin's access token: on the dataset, one of its own admins (they exist, so the server
     * makes no bench admin); on a fresh database, the bench's.
     */
    static String admin(BenchServer server, boolean dataset) throws Exception {
        if (!dataset) {
            return server.login();
        }
        String email;
        try (var conn = server.db();
                var st = conn.createStatement();
                var rs = st.executeQuery("select u.email from users u join user_roles r on r.user_id = u.id"
                        + " and r.role_name = 'ADMIN' where u.enabled and not u.mfa_enabled"
                        + " and u.email like 'user%' order by u.email limit 1")) {
            if (!rs.next()) {
                throw new IllegalStateException("the dataset has no admin without MFA");
            }
            email = rs.getString(1);
        }
        Client c = new Client(email, "dataset passphrase");
        if (!login(new Side("dataset", server.base, new String[1], List.of(), server, true), c)) {
            throw new IllegalStateException("the dataset's admin " + email + " could not sign in");
        }
        return c.access;
    }

    static double median(List<double[]> windows, int field) {
        double[] v = windows.stream().mapToDouble(w -> w[field]).sorted().toArray();
        return v[v.length / 2];
    }

    /** Signs in CLIENTS users of a side: dataset users (who exist) or new ones (registered). */
    static Side side(String name, BenchServer server, boolean dataset) throws Exception {
        String admin = admin(server, dataset);
        List<Client> clients = new ArrayList<>();
        // Dataset users that are enabled, without MFA and not admins, in id order: random ones.
        List<String> emails = new ArrayList<>();
        if (dataset) {
            try (var conn = server.db();
                    var ps = conn.prepareStatement("select email from users u where enabled and not mfa_enabled"
                            + " and email like 'user%' and not exists (select 1 from user_roles r where r.user_id = u.id"
                            + " and r.role_name = 'ADMIN') order by id limit ?")) {
                ps.setInt(1, CLIENTS);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        emails.add(rs.getString(1));
                    }
                }
            }
        }
        for (int i = 0; i < CLIENTS; i++) {
            Client c = dataset
                    ? new Client(emails.get(i), "dataset passphrase")
                    : new Client(
                            "fresh" + i + "-" + ProcessHandle.current().pid() + "@example.com", "dataset passphrase");
            if (!dataset) {
                HttpResponse<String> r = post(
                        server.base,
                        "/api/auth/register",
                        "{\"email\":\"" + c.email + "\",\"password\":\"" + c.password + "\"}",
                        null);
                if (r.statusCode() != 201) {
                    throw new IllegalStateException("register: " + r.statusCode() + " " + r.body());
                }
            }
            if (!login(new Side(name, server.base, new String[] {admin}, clients, server, dataset), c)) {
                throw new IllegalStateException("could not sign in " + c.email + " on " + name);
            }
            clients.add(c);
        }
        if (!dataset) {
            // The fresh side answers pages as full as the dataset's, so that a ratio compares the
            // cost of the data behind a page, not the size of the page: the user list gets more
            // than its 50 rows (the clients and the admin are only nine), each inbox more
            // than its 20 items, both kinds, as the dataset's users have both (8 of their own,
            // broadcasts to everyone and to their role).
            // Copies of the first client's row (registration is throttled), with the role USER.
            try (var conn = server.db();
                    var st = conn.createStatement()) {
                st.executeUpdate("create temporary table filler as select * from users where email = '"
                        + clients.get(0).email + "'");
                st.executeUpdate("alter table filler drop column id, drop column email");
                st.executeUpdate("insert into users select gen_random_uuid() as id, 'filler' || g || '@example.com'"
                        + " as email, f.* from filler f, generate_series(1, 50) g");
                st.executeUpdate("insert into user_roles (user_id, role_name) select id, 'USER' from users"
                        + " where email like 'filler%'");
            }
            for (int k = 0; k < 16; k++) {
                String audience = k % 2 == 0 ? "{\"type\":\"all\"}" : "{\"type\":\"role\",\"value\":\"USER\"}";
                HttpResponse<String> r = post(
                        server.base,
                        "/api/admin/notifications",
                        "{\"audience\":" + audience + ",\"title\":\"news " + k + "\",\"body\":\"b\"}",
                        admin);
                if (r.statusCode() != 202) {
                    throw new IllegalStateException("broadcast: " + r.statusCode() + " " + r.body());
                }
            }
            for (Client c : clients) {
                String id = Api.JSON
                        .readTree(getBody(server.base, "/api/users/me", c.access))
                        .get("id")
                        .asText();
                for (int k = 0; k < 8; k++) {
                    post(
                            server.base,
                            "/api/admin/notifications",
                            "{\"audience\":{\"type\":\"user\",\"value\":\"" + id + "\"},\"title\":\"hello " + k
                                    + "\",\"body\":\"b\"}",
                            admin);
                }
            }
        }
        for (Client c : clients) {
            var page = Api.JSON.readTree(getBody(server.base, "/api/notifications?size=1", c.access));
            c.lastNotification = page.get("items").size() == 0
                    ? 0
                    : page.get("items").get(0).get("id").asLong();
        }
        return new Side(name, server.base, new String[] {admin}, clients, server, dataset);
    }

    static boolean login(Side s, Client c) throws Exception {
        HttpResponse<String> r = post(
                s.base(),
                "/api/auth/login",
                "{\"email\":\"" + c.email + "\",\"password\":\"" + c.password + "\""
                        + (c.device == null ? "" : ",\"deviceToken\":\"" + c.device + "\"") + "}",
                null);
        if (r.statusCode() != 200) {
            return false;
        }
        var json = Api.JSON.readTree(r.body());
        c.access = json.get("access_token").asText();
        c.refresh = json.get("refresh_token").asText();
        c.device = json.get("device_token").asText();
        return true;
    }

    static boolean refresh(Side s, Client c) throws Exception {
        HttpResponse<String> r = post(s.base(), "/api/auth/refresh", "{\"refreshToken\":\"" + c.refresh + "\"}", null);
        if (r.statusCode() != 200) {
            return false;
        }
        var json = Api.JSON.readTree(r.body());
        c.access = json.get("access_token").asText();
        c.refresh = json.get("refresh_token").asText();
        return true;
    }

    /** Connects, resumes after the newest notification (nothing to replay), pings, waits for the pong, closes. */
    static boolean connectAndResume(Side s, Client c) throws Exception {
        CompletableFuture<Boolean> welcome = new CompletableFuture<>();
        CompletableFuture<Boolean> pong = new CompletableFuture<>();
        WebSocket ws = HTTP.newWebSocketBuilder()
                .subprotocols("vigile.v1", "bearer." + c.access)
                .buildAsync(URI.create(s.base().replace("http", "ws") + "/ws"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        String text = data.toString();
                        if (text.contains("\"welcome\"")) {
                            welcome.complete(true);
                        } else if (text.contains("\"pong\"")) {
                            pong.complete(true);
                        }
                        w.request(1);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        try {
            welcome.get(10, TimeUnit.SECONDS);
            // One send at a time: the JDK's WebSocket fails a send made while another is pending,
            // which once dropped the ping and left the client waiting out its timeout.
            ws.sendText("{\"type\":\"resume\",\"after\":" + c.lastNotification + "}", true)
                    .get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"ping\"}", true).get(10, TimeUnit.SECONDS);
            return pong.get(10, TimeUnit.SECONDS);
        } finally {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }
    }

    /** CLIENTS threads in a closed loop for {@code seconds}: requests per second and p99 ms. */
    static double[] window(Side side, Op op, int seconds) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        List<long[]> latencies = new ArrayList<>();
        long[] failures = new long[CLIENTS];
        // Every request a client finished, recorded or not (the last ends after the window): the
        // server's CPU over the window is divided by these.
        long[] finished = new long[CLIENTS];
        // What failed, by kind, so that a window's rate is never read without its failures.
        Map<String, Long> why = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            Client c = side.clients().get(i);
            long[] mine = new long[500_000];
            latencies.add(mine);
            int me = i;
            Thread t = new Thread(() -> {
                int n = 0;
                while (running.get()) {
                    long t0 = System.nanoTime();
                    boolean ok;
                    String failure = "answered but not as expected";
                    try {
                        ok = op.run(side, c);
                    } catch (Exception e) {
                        ok = false;
                        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                                ? e.getCause()
                                : e;
                        failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
                    }
                    finished[me]++;
                    if (!ok) {
                        // A failure is counted even when it ends after the window: a request that
                        // hung through the window's end is exactly the one to report.
                        failures[me]++;
                        why.merge(failure.length() > 120 ? failure.substring(0, 120) : failure, 1L, Long::sum);
                    }
                    if (!running.get()) {
                        break;
                    }
                    if (ok && n < mine.length - 1) {
                        mine[++n] = System.nanoTime() - t0;
                    }
                }
                mine[0] = n;
            });
            threads.add(t);
        }
        ProcessHandle server = ProcessHandle.of(side.server().payara.pid()).orElseThrow();
        long cpu0 = BenchServer.cpuNanos(server);
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        running.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        for (Thread t : threads) {
            t.join();
        }
        double cpuMs = (BenchServer.cpuNanos(server) - cpu0) / 1e6;
        long failed = Arrays.stream(failures).sum();
        if (failed > 0) {
            System.err.println(side.name() + ": " + failed + " failed requests in a window: " + why);
        }
        long[] all = latencies.stream()
                .flatMapToLong(l -> Arrays.stream(l, 1, (int) l[0] + 1))
                .sorted()
                .toArray();
        double p99 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.floor(all.length * 0.99))] / 1e6;
        // The server's CPU (all its threads, from /proc) per request answered in the window: it
        // drifts far less than the rate when the machine's speed does.
        long answered = Arrays.stream(finished).sum();
        return new double[] {all.length / elapsed, p99, failed, answered == 0 ? Double.NaN : cpuMs / answered};
    }

    static boolean get(String base, String path, String token) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200;
    }

    static String getBody(String base, String path, String token) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .header("Authorization", "Bearer " + token)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static HttpResponse<String> post(String base, String path, String json, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
