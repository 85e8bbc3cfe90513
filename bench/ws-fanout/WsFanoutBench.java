import dev.vigile.security.control.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;

/** See run.sh. Prints a Markdown table. */
public class WsFanoutBench {
    static final HttpClient HTTP = dev.vigile.it.BenchServer.HTTP;
    /** Warm broadcasts after the first, per size (BENCH_WS_ROUNDS). */
    static final int WARM_ROUNDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_WS_ROUNDS", "5"));
    /** How long the connections stay open and silent, to measure what idling costs. */
    static final long IDLE_WINDOW_MS = 20_000;
    /** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
    static final long TICKS = 100;

    /** One connection: when each titled notification arrived. */
    static final class Client implements WebSocket.Listener {
        final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        final CompletableFuture<Void> welcomed = new CompletableFuture<>();
        volatile CountDownLatch waiting;
        volatile String awaited;
        final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (text.contains("\"type\":\"welcome\"")) {
                    welcomed.complete(null);
                } else if (text.contains("\"type\":\"notification\"")) {
                    int i = text.indexOf("\"title\":\"") + 9;
                    String title = text.substring(i, text.indexOf('"', i));
                    arrivals.put(title, now);
                    if (title.equals(awaited) && waiting != null) {
                        waiting.countDown();
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        int[] counts =
                Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> rows = new ArrayList<>();
        Map<String, String> settings =
                Map.of("VIGILE_WS_MAX_CONNECTIONS_PER_USER", "10", "VIGILE_WS_PING_TIMEOUT", "PT30M");
        try (dev.vigile.it.BenchServer server = dev.vigile.it.BenchServer.start("ws", settings, "-Xmx1g")) {
            String admin = server.login();
            int created = 0;
            List<String[]> users = new ArrayList<>();
            for (int n : counts) {
                users.addAll(seedUsers(server.jdbcUrl, server.dbUser, n - created));
                created = n;
                rows.add(measure(
                        server.base, server.jdbcUrl, server.dbUser, server.payara.pid(), users.subList(0, n), admin));
                admin = server.login();
            }
        }
        System.out.println();
        System.out.println(
                "| connections | open all (s) | heap per connection (KiB, after GC) | RSS growth per connection (KiB) | idle: server / PostgreSQL CPU (ms/s) | idle, per 1,000 connections (ms/s) | first broadcast: last delivery (ms) | warm broadcasts: last delivery, median (range) ms | median warm broadcast p50 / p99 (ms) | its CPU: server / client (ms) / machine busy | per-user p50 / p99 (ms) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** Users straight into the database, with an access token each minted with the server's key. */
    static List<String[]> seedUsers(String url, String user, int count) throws Exception {
        List<String[]> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery(
                    "select kid, private_key from signing_keys where activates_at <= now() order by activates_at desc limit 1");
            rs.next();
            String kid = rs.getString(1);
            // Private keys are sealed under the key-encryption key the bench gave the server.
            PrivateKey key = Pem.decodePrivate(dev.vigile.security.KeyEncryption.of(
                            java.util.Optional.of(dev.vigile.it.TestServer.KEY_ENCRYPTION_KEY),
                            java.util.Optional.empty())
                    .open(kid, rs.getString(2)));
            String marker = UUID.randomUUID().toString().substring(0, 8);
            s.execute("insert into users (id, email, password_hash, enabled, created_at, updated_at)"
                    + " select gen_random_uuid(), 'b" + marker
                    + "-' || g || '@bench.test', 'not-a-hash', true, now(), now()"
                    + " from generate_series(1, " + count + ") g");
            s.execute("insert into user_roles select id, 'USER' from users where email like 'b" + marker + "-%'");
            // Every user token names its session (a token without one is refused): one each.
            s.execute("insert into sessions (id, user_id, created_at, last_used_at, expires_at)"
                    + " select gen_random_uuid(), id, now(), now(), now() + interval '1 day' from users"
                    + " where email like 'b" + marker + "-%'");
            rs = s.executeQuery("select u.id, u.email, s.id from users u join sessions s on s.user_id = u.id"
                    + " where u.email like 'b" + marker + "-%'");
            while (rs.next()) {
                JwtClaims claims = new JwtClaims();
                claims.setIssuer("vigile");
                claims.setAudience("vigile");
                claims.setClaim("vigile_gen", 0);
                claims.setStringListClaim("amr", List.of("pwd"));
                claims.setSubject(rs.getString(1));
                claims.setClaim("upn", rs.getString(2));
                claims.setClaim("sid", rs.getString(3));
                claims.setStringListClaim("groups", List.of("USER"));
                claims.setIssuedAtToNow();
                claims.setExpirationTimeMinutesInTheFuture(60);
                claims.setJwtId(UUID.randomUUID().toString());
                JsonWebSignature jws = new JsonWebSignature();
                jws.setPayload(claims.toJson());
                jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
                jws.setHeader("typ", "JWT");
                jws.setKeyIdHeaderValue(kid);
                jws.setKey(key);
                out.add(new String[] {rs.getString(1), jws.getCompactSerialization()});
            }
        }
        return out;
    }

    static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Heap in use after a full collection, in KiB (jcmd from this JDK). */
    static long heapAfterGcKib(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        new ProcessBuilder(jcmd, Long.toString(pid), "GC.run")
                .redirectErrorStream(true)
                .start()
                .waitFor();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.heap_info")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        var m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static String measure(String base, String url, String dbUser, long pid, List<String[]> users, String admin)
            throws Exception {
        int n = users.size();
        Thread.sleep(2000);
        long heapBefore = heapAfterGcKib(pid);
        long rssBefore = rssKib(pid);
        List<Client> clients = new ArrayList<>();
        Semaphore inFlight = new Semaphore(200);
        long openStart = System.nanoTime();
        for (String[] u : users) {
            Client c = new Client();
            clients.add(c);
            inFlight.acquire();
            HTTP.newWebSocketBuilder()
                    .subprotocols("vigile.v1", "bearer." + u[1])
                    .buildAsync(URI.create(base.replace("http", "ws") + "/ws"), c)
                    .whenComplete((ws, e) -> {
                        c.socket = ws;
                        if (e != null) {
                            c.welcomed.completeExceptionally(e);
                        }
                    });
            c.welcomed.whenComplete((v, e) -> inFlight.release());
        }
        CompletableFuture.allOf(clients.stream().map(c -> c.welcomed).toArray(CompletableFuture[]::new))
                .get(10, TimeUnit.MINUTES);
        double openSeconds = (System.nanoTime() - openStart) / 1e9;
        Thread.sleep(3000);
        long heapAfter = heapAfterGcKib(pid);
        long rssAfter = rssKib(pid);

        // With nothing on the wire (the clients stay silent), what the open connections cost the
        // server and PostgreSQL.
        ProcessHandle postgres =
                dev.vigile.it.BenchServer.postmaster(url, dbUser).orElseThrow();
        long idleServer0 = procCpuMs(pid), idlePg0 = procCpuMs(postgres.pid()), idleStart = System.nanoTime();
        Thread.sleep(IDLE_WINDOW_MS);
        double idleSeconds = (System.nanoTime() - idleStart) / 1e9;
        double idleServer = (procCpuMs(pid) - idleServer0) / idleSeconds;
        double idlePg = (procCpuMs(postgres.pid()) - idlePg0) / idleSeconds;

        // The first broadcast of this size, then warm ones: a long-running server has the send path
        // compiled, and the first broadcast also pays for the JIT.
        List<Broadcast> rounds = new ArrayList<>();
        for (int round = 0; round <= WARM_ROUNDS; round++) {
            rounds.add(broadcast(base, admin, pid, clients, "broadcast-" + n + "-" + round));
            Thread.sleep(1500);
        }
        Broadcast first = rounds.get(0);
        List<Broadcast> warm = new ArrayList<>(rounds.subList(1, rounds.size()));
        warm.sort(java.util.Comparator.comparingLong(r -> r.lat[n - 1]));
        Broadcast median = warm.get(warm.size() / 2);

        int samples = Math.min(200, n);
        long[] per = new long[samples];
        for (int i = 0; i < samples; i++) {
            Client c = clients.get(i * (n / samples));
            String[] u = users.get(i * (n / samples));
            String t = "direct-" + n + "-" + i;
            CountDownLatch one = new CountDownLatch(1);
            c.awaited = t;
            c.waiting = one;
            long s = System.nanoTime();
            post(
                    base,
                    admin,
                    "{\"audience\":{\"type\":\"user\",\"value\":\"" + u[0] + "\"},\"title\":\"" + t
                            + "\",\"body\":\"direct\"}");
            one.await(30, TimeUnit.SECONDS);
            per[i] = c.arrivals.get(t) - s;
        }
        Arrays.sort(per);
        for (Client c : clients) {
            if (c.socket != null) {
                c.socket.abort();
            }
        }
        return String.format(
                "| %,d | %.1f | %.1f | %.0f | %.0f / %.0f | %.1f / %.1f | %.0f | %.0f (%.0f–%.0f) | %.0f / %.0f | %d / %d / %.2f | %.1f / %.1f |",
                n,
                openSeconds,
                (heapAfter - heapBefore) / (double) n,
                (rssAfter - rssBefore) / (double) n,
                idleServer,
                idlePg,
                idleServer * 1000 / n,
                idlePg * 1000 / n,
                first.lat[n - 1] / 1e6,
                median.lat[n - 1] / 1e6,
                warm.get(0).lat[n - 1] / 1e6,
                warm.get(warm.size() - 1).lat[n - 1] / 1e6,
                median.lat[n / 2] / 1e6,
                median.lat[(int) (n * 0.99)] / 1e6,
                median.serverCpuMs,
                median.clientCpuMs,
                median.machineBusyMs / (Runtime.getRuntime().availableProcessors() * median.lat[n - 1] / 1e6),
                per[samples / 2] / 1e6,
                per[(int) (samples * 0.99)] / 1e6);
    }

    /** One broadcast: each connection's delivery latency (sorted, ns) and the CPU spent meanwhile. */
    record Broadcast(long[] lat, long serverCpuMs, long clientCpuMs, long machineBusyMs) {}

    static Broadcast broadcast(String base, String admin, long pid, List<Client> clients, String title)
            throws Exception {
        int n = clients.size();
        CountDownLatch all = new CountDownLatch(n);
        clients.forEach(c -> {
            c.awaited = title;
            c.waiting = all;
        });
        long server0 = procCpuMs(pid), client0 = ownCpuMs(), machine0 = machineBusyMs();
        long t0 = System.nanoTime();
        post(base, admin, "{\"audience\":{\"type\":\"all\"},\"title\":\"" + title + "\",\"body\":\"fan-out\"}");
        if (!all.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("broadcast not delivered to all " + n);
        }
        long server = procCpuMs(pid) - server0, client = ownCpuMs() - client0, machine = machineBusyMs() - machine0;
        long[] lat = clients.stream()
                .mapToLong(c -> c.arrivals.get(title) - t0)
                .sorted()
                .toArray();
        return new Broadcast(lat, server, client, machine);
    }

    /** CPU time of a process and its descendants (user and system), in ms. */
    static long procCpuMs(long pid) {
        return ProcessHandle.of(pid).map(dev.vigile.it.BenchServer::cpuNanos).orElse(0L) / 1_000_000;
    }

    /** CPU time of this JVM alone (the server it started is its child), in ms. */
    static long ownCpuMs() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toMillis();
    }

    /** Busy CPU time of the whole machine (all but idle and I/O wait), from /proc/stat, in ms. */
    static long machineBusyMs() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < f.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy * 1000 / TICKS;
    }

    static void post(String base, String token, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/admin/notifications"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("send failed: " + r.statusCode() + " " + r.body());
        }
    }
}
