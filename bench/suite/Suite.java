import dev.vigile.launcher.PayaraProcess;
import dev.vigile.security.Argon2Phc;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark suite (see run.sh). One load generator for everything, so that every figure is a
 * ratio of two measurements made the same way in the same run on the same machine.
 */
public class Suite {
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            // Daemon threads, so that the JVM exits when the suite is done.
            .executor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r);
                t.setDaemon(true);
                return t;
            }))
            .build();
    static final String PASSWORD = "a bench passphrase for every account";
    static final String ADMIN = "bench@vigile.test";
    static final int ACCOUNTS = 64;
    static int seconds;
    /**
     * Seconds each closed-loop scenario runs before it is measured (SUITE_WARMUP, default 40): right
     * after start the server's JIT compiler takes most of a core for tens of seconds; profiles
     * showed it still compiling 4.5 s of every 20 after a 10 s warm-up, and with 20 s Keycloak's
     * userinfo still rose from pair to pair (2,806 to 5,092 req/s; docs/performance.md).
     */
    static final long WARMUP_SECONDS = Long.parseLong(System.getenv().getOrDefault("SUITE_WARMUP", "40"));
    /** SUITE_ONLY=me,login,... runs only those scenarios (and skips Keycloak unless kc is named). */
    static final java.util.Set<String> ONLY = System.getenv("SUITE_ONLY") == null
            ? null
            : java.util.Set.of(System.getenv("SUITE_ONLY").split(","));

    static boolean wanted(String key) {
        return ONLY == null || ONLY.contains(key);
    }

    /** What one scenario measured. */
    record Result(
            String name,
            double perSecond,
            double p50,
            double p99,
            long errors,
            long requests,
            double cpuMsPerRequest,
            double dbCpuMsPerRequest) {
        Result(String name, double perSecond, double p50, double p99, long errors, long requests) {
            this(name, perSecond, p50, p99, errors, requests, Double.NaN, Double.NaN);
        }

        /** With the server's and PostgreSQL's CPU time over the window, as per-request figures. */
        Result withCpu(double cpuMs, double dbCpuMs) {
            return new Result(
                    name,
                    perSecond,
                    p50,
                    p99,
                    errors,
                    requests,
                    requests == 0 ? Double.NaN : cpuMs / requests,
                    requests == 0 || dbCpuMs < 0 ? Double.NaN : dbCpuMs / requests);
        }

        String row() {
            return String.format("| %s | %,.0f | %.1f | %.1f | %d |", name, perSecond, p50, p99, errors);
        }
    }

    /** One request of a scenario; returns the HTTP status. {@code worker} identifies the virtual user. */
    interface Call {
        int run(int worker) throws Exception;
    }

    static int send(HttpRequest r) throws Exception {
        return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static HttpResponse<String> sendText(HttpRequest r) throws Exception {
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    static long profilePid = -1;

    /** With PROFILE_DIR set, samples the server's threads (jcmd Thread.print) every 500 ms. */
    static Thread profiler(String name, long untilNs) {
        String dir = System.getenv("PROFILE_DIR");
        if (dir == null || profilePid < 0) {
            return null;
        }
        Thread t = new Thread(() -> {
            String jcmd =
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            int n = 0;
            while (System.nanoTime() < untilNs) {
                try {
                    Process p = new ProcessBuilder(jcmd, Long.toString(profilePid), "Thread.print")
                            .redirectErrorStream(true)
                            .start();
                    Files.write(
                            Path.of(dir, name.replaceAll("[^A-Za-z0-9]+", "_") + "-" + (n++) + ".txt"),
                            p.getInputStream().readAllBytes());
                    Thread.sleep(500);
                } catch (Exception e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Closed loop: {@code workers} virtual users, each sending the next request when the last answered. */
    static Result closed(String name, int workers, Call call) throws Exception {
        return closed(name, workers, call, WARMUP_SECONDS);
    }

    /** A closed loop with this many seconds of unmeasured warm-up before its window. */
    static Result closed(String name, int workers, Call call, long warmupSeconds) throws Exception {
        return closed(name, workers, call, warmupSeconds, null);
    }

    /**
     * A closed loop; with {@code server}, also the CPU time that process and its children spent
     * during the measured window, per request measured (from /proc, as {@code ps} reads it: all its
     * threads, the garbage collector's and the JIT's included).
     */
    static Result closed(String name, int workers, Call call, long warmupSeconds, ProcessHandle server)
            throws Exception {
        profiler(name, System.nanoTime() + (seconds + 2) * 1_000_000_000L);
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        // Warm-up (the JIT compiles this scenario's code paths), then the measured window.
        long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        long end = warmEnd + seconds * 1_000_000_000L;
        CompletableFuture<long[]> cpuWindow = server == null
                ? CompletableFuture.completedFuture(new long[] {-1L, -1L})
                : CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                TimeUnit.NANOSECONDS.sleep(warmEnd - System.nanoTime());
                                long before = dev.vigile.it.BenchServer.cpuNanos(server);
                                long dbBefore = database == null ? -1 : dev.vigile.it.BenchServer.cpuNanos(database);
                                TimeUnit.NANOSECONDS.sleep(end - System.nanoTime());
                                return new long[] {
                                    dev.vigile.it.BenchServer.cpuNanos(server) - before,
                                    database == null ? -1 : dev.vigile.it.BenchServer.cpuNanos(database) - dbBefore
                                };
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return new long[] {-1L, -1L};
                            }
                        },
                        r -> {
                            Thread meter = new Thread(r, "cpu-meter");
                            meter.setDaemon(true);
                            meter.start();
                        });
        for (int w = 0; w < workers; w++) {
            int worker = w;
            pool.submit(() -> {
                while (running.get()) {
                    long start = System.nanoTime();
                    int status;
                    try {
                        status = call.run(worker);
                    } catch (Exception e) {
                        status = -1;
                    }
                    long now = System.nanoTime();
                    if (start >= warmEnd && now <= end) {
                        samples.add(new long[] {now - start});
                        if (status < 200 || status >= 300) {
                            errors.incrementAndGet();
                        }
                    }
                    if (now > end) {
                        running.set(false);
                    }
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        Result result = summarize(name, samples, errors.get(), seconds);
        long[] cpu = cpuWindow.get();
        return cpu[0] < 0 ? result : result.withCpu(cpu[0] / 1e6, cpu[1] / 1e6);
    }

    /**
     * PostgreSQL's postmaster, whose descendants are every backend and its own workers: both sides
     * of a comparison use the same PostgreSQL, so what a request costs there is part of its price.
     * Null when it cannot be found (a remote database).
     */
    static ProcessHandle database;

    /** Open loop at a fixed rate: latency runs from the intended start (no coordinated omission). */
    static Result open(String name, double rate, Call call) throws Exception {
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        AtomicLong errors = new AtomicLong();
        ExecutorService senders = Executors.newFixedThreadPool(64);
        long interval = (long) (1_000_000_000L / rate);
        long begin = System.nanoTime() + 100_000_000L;
        long total = (long) (rate * seconds);
        for (long i = 0; i < total; i++) {
            long intended = begin + i * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int worker = (int) (i % 64);
            senders.submit(() -> {
                int status;
                try {
                    status = call.run(worker);
                } catch (Exception e) {
                    status = -1;
                }
                samples.add(new long[] {System.nanoTime() - intended});
                if (status < 200 || status >= 300) {
                    errors.incrementAndGet();
                }
            });
        }
        senders.shutdown();
        senders.awaitTermination(120, TimeUnit.SECONDS);
        return summarize(name, samples, errors.get(), seconds);
    }

    static Result summarize(String name, ConcurrentLinkedQueue<long[]> samples, long errors, double window) {
        long[] ns = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
        if (ns.length == 0) {
            return new Result(name, 0, 0, 0, errors, 0);
        }
        return new Result(
                name,
                ns.length / window,
                ns[ns.length / 2] / 1e6,
                ns[(int) (ns.length * 0.99)] / 1e6,
                errors,
                ns.length);
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    static HttpRequest.Builder req(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    }

    static HttpRequest json(String url, String body) {
        return req(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static HttpRequest form(String url, Map<String, String> fields) {
        StringBuilder b = new StringBuilder();
        fields.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&")
                .append(k)
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return req(url).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(b.toString()))
                .build();
    }

    /** One side of a comparison: a scenario run the same way against one server. */
    record Side(String name, int workers, Call call, ProcessHandle server) {
        Result run(long warmup) throws Exception {
            return closed(name, workers, call, warmup, server);
        }
    }

    /** Adds to {@code sides} one server's scenarios that SUITE_ONLY names (all when it is unset). */
    static void addWanted(List<Side> sides, Side me, Side login, Side refresh) {
        if (wanted("me")) {
            sides.add(me);
        }
        if (wanted("login")) {
            sides.add(login);
        }
        if (wanted("refresh")) {
            sides.add(refresh);
        }
    }

    /** Pairs of alternated windows per comparison (SUITE_PAIRS, default 5). */
    static final int PAIRS = Integer.parseInt(System.getenv().getOrDefault("SUITE_PAIRS", "5"));

    /** What a comparison gave: the per-pair ratios and each side's windows. */
    record Compared(String what, String target, List<Double> ratios, List<Result> a, List<Result> b) {
        double median(List<Double> v) {
            List<Double> sorted = v.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        String row() {
            List<Double> ra = a.stream().map(Result::perSecond).toList();
            List<Double> rb = b.stream().map(Result::perSecond).toList();
            List<Double> pa = a.stream().map(Result::p99).toList();
            List<Double> pb = b.stream().map(Result::p99).toList();
            List<Double> ca = a.stream().map(Result::cpuMsPerRequest).toList();
            List<Double> cb = b.stream().map(Result::cpuMsPerRequest).toList();
            List<Double> da = a.stream().map(Result::dbCpuMsPerRequest).toList();
            List<Double> db = b.stream().map(Result::dbCpuMsPerRequest).toList();
            return String.format(
                    "| %s | %.2f | %.2f–%.2f | %,.0f | %,.0f | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f | %s |",
                    what,
                    median(ratios),
                    ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    median(ra),
                    median(rb),
                    median(pa),
                    median(pb),
                    median(ca),
                    median(cb),
                    median(da),
                    median(db),
                    target);
        }
    }

    /**
     * Alternates windows of {@code a} and {@code b} (a, b, then b, a, and so on, so that neither
     * always goes first), PAIRS times; each pair gives one ratio a/b, so a drift of the machine
     * between pairs moves both sides of a ratio, not the ratio.
     */
    static Compared compare(String what, String target, Side a, Side b) throws Exception {
        List<Double> ratios = new ArrayList<>();
        List<Result> ra = new ArrayList<>();
        List<Result> rb = new ArrayList<>();
        for (int pair = 0; pair < PAIRS; pair++) {
            Result x;
            Result y;
            if (pair % 2 == 0) {
                x = a.run(0);
                y = b.run(0);
            } else {
                y = b.run(0);
                x = a.run(0);
            }
            ra.add(x);
            rb.add(y);
            ratios.add(y.perSecond() == 0 ? 0 : x.perSecond() / y.perSecond());
            System.err.printf(
                    "%s, pair %d: %.1f / %.1f = %.2f%n",
                    what, pair + 1, x.perSecond(), y.perSecond(), ratios.get(ratios.size() - 1));
        }
        return new Compared(what, target, ratios, ra, rb);
    }

    /** A fresh RS256 key of this size, PKCS#8 PEM, for VIGILE_JWT_PRIVATE_KEY. */
    static String rsaPem(int bits) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        String b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(g.generateKeyPair().getPrivate().getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
    }

    /** A Vigile the suite started, with what its scenarios need. */
    record Vigile(
            PayaraProcess payara, String base, Side me, Side login, Side newDeviceLogin, Side refresh, String admin) {}

    static Vigile vigile(
            String dbUrl,
            String pgUser,
            String label,
            Map<String, String> extra,
            List<String> micro,
            Map<String, String> facts,
            boolean seed,
            String hash,
            int cores)
            throws Exception {
        Map<String, String> env = dev.vigile.it.TestServer.baseEnvironment(dbUrl, pgUser, "unused", ADMIN, PASSWORD);
        env.put("VIGILE_LOGIN_THROTTLE_ACCOUNT", "100000000/PT1S");
        env.put("VIGILE_LOGIN_THROTTLE_ADDRESS", "100000000/PT1S");
        // Tokens live through the whole interleaved run (Keycloak's realm is given the same).
        env.put("VIGILE_JWT_ACCESS_TTL", "PT2H");
        // Keycloak gets a 1 GiB heap too; VIGILE_JAVA_MEMORY overrides it for experiments.
        env.put("VIGILE_JAVA_MEMORY", System.getenv().getOrDefault("VIGILE_JAVA_MEMORY", "-Xmx1g"));
        env.putAll(extra);
        int port = dev.vigile.it.TestServer.freePort();
        Path log = Files.createTempFile("vigile-bench-suite", ".log");
        long startNs = System.nanoTime();
        PayaraProcess payara = PayaraProcess.start(PayaraProcess.Layout.fromSystemProperties(), port, env, log, micro);
        try {
            payara.awaitReady(Duration.ofMinutes(3));
        } catch (Exception e) {
            // A server that never became ready must not outlive the run (one did, a whole session,
            // skewing every later measurement).
            payara.close();
            throw e;
        }
        String base = "http://127.0.0.1:" + port;
        if (seed) {
            facts.put(
                    "Vigile start to ready (WAR + ceiling WAR, empty database)",
                    String.format("%.1f s", (System.nanoTime() - startNs) / 1e9));
            Thread.sleep(5000);
            facts.put("Vigile RSS idle", rssKib(payara.pid()) / 1024 + " MiB");
            // 100,000 users for the page test, and the bench accounts with a real hash.
            try (Connection c = DriverManager.getConnection(dbUrl, pgUser, "");
                    Statement s = c.createStatement()) {
                // Without the count's per-row trigger, whose 100,000 updates of one row in one
                // transaction would leave that row 4 MB of versions to scan (autovacuum is off on the CI
                // machines); the count is set after, as an import would.
                s.execute("set session_replication_role = replica");
                s.execute("insert into users (id, email, display_name, password_hash, enabled, created_at, updated_at)"
                        + " select gen_random_uuid(), 'seed' || g || '@bench.test', 'Seeded ' || g, 'not-a-hash', true,"
                        + " now() - make_interval(secs => g), now() from generate_series(1, 100000) g");
                s.execute("insert into user_roles select id, 'USER' from users where email like 'seed%'");
                s.execute("set session_replication_role = default");
                s.execute("update user_count set users = (select count(*) from users)");
                for (int i = 0; i < ACCOUNTS; i++) {
                    s.execute("insert into users (id, email, password_hash, enabled, created_at, updated_at) values"
                            + " (gen_random_uuid(), 'acct" + i + "@bench.test', '" + hash + "', true, now(), now())");
                }
                s.execute("insert into user_roles select id, 'USER' from users where email like 'acct%'");
                // Only the seeded tables: analysing the whole database here recorded the others as
                // empty (sessions, device tokens, the audit log), and with autovacuum off on these
                // machines every plan made later believed it: logins scanned every session for the
                // refresh token's foreign-key check. A new installation has no statistics at all, and
                // PostgreSQL then assumes a table of at least ten pages.
                s.execute("analyze users, user_roles");
            }
        }
        String admin = field(
                sendText(json(
                                base + "/api/auth/login",
                                "{\"email\":\"" + ADMIN + "\",\"password\":\"" + PASSWORD + "\"}"))
                        .body(),
                "access_token");
        HttpRequest me = req(base + "/api/users/me")
                .header("Authorization", "Bearer " + admin)
                .GET()
                .build();
        java.util.function.BiFunction<Integer, String, HttpRequest> loginWith = (w, device) -> json(
                base + "/api/auth/login",
                "{\"email\":\"acct" + (w % ACCOUNTS) + "@bench.test\",\"password\":\"" + PASSWORD + "\""
                        + (device == null ? "" : ",\"deviceToken\":\"" + device + "\"") + "}");
        IntFunction<HttpRequest> login = w -> loginWith.apply(w, null);
        // Logins are a returning user's: each login worker presents the device token its previous
        // login gave it, as clients do. The "login-new" scenario presents none, so every login is from
        // a new device (a device-token row and a new-device notice each), as all logins were measured
        // until the ninth session.
        String[] devices = new String[2 * cores];
        Call knownDevice = w -> {
            HttpResponse<String> r = sendText(loginWith.apply(w, devices[w]));
            String device = field(r.body(), "device_token");
            if (device != null) {
                devices[w] = device;
            }
            return r.statusCode();
        };
        int refreshers = 16;
        String[] chains = new String[refreshers];
        for (int w = 0; w < refreshers; w++) {
            chains[w] = field(sendText(login.apply(w)).body(), "refresh_token");
        }
        ProcessHandle server = ProcessHandle.of(payara.pid()).orElseThrow();
        Side refresh = new Side(
                label + "POST /api/auth/refresh (rotation)",
                refreshers,
                w -> {
                    HttpResponse<String> r =
                            sendText(json(base + "/api/auth/refresh", "{\"refreshToken\":\"" + chains[w] + "\"}"));
                    String next = field(r.body(), "refresh_token");
                    if (next != null) {
                        chains[w] = next;
                    }
                    return r.statusCode();
                },
                server);
        return new Vigile(
                payara,
                base,
                new Side(label + "GET /api/users/me (valid token)", 16, w -> send(me), server),
                new Side(label + "POST /api/auth/login (known device)", 2 * cores, knownDevice, server),
                new Side(label + "POST /api/auth/login (new device)", 2 * cores, w -> send(login.apply(w)), server),
                refresh,
                admin);
    }

    public static void main(String[] args) throws Exception {
        seconds = Integer.parseInt(args[0]);
        int cores = Runtime.getRuntime().availableProcessors();
        String pgUrl = "jdbc:postgresql://" + System.getenv().getOrDefault("PGHOST", "127.0.0.1") + ":"
                + System.getenv().getOrDefault("PGPORT", "5432") + "/postgres";
        String pgUser = System.getenv().getOrDefault("PGUSER", "postgres");
        String db = "vigile_bench_suite_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(pgUrl, pgUser, "");
                Statement s = c.createStatement()) {
            s.execute("create database " + db);
        }
        database = dev.vigile.it.BenchServer.postmaster(pgUrl, pgUser).orElse(null);
        String dbUrl = pgUrl.replace("/postgres", "/" + db);
        Map<String, Result> results = new LinkedHashMap<>();
        Map<String, String> facts = new LinkedHashMap<>();
        List<Compared> comparisons = new ArrayList<>();

        // The hashing limit, measured here at Vigile's configured cost, after a warm-up long enough
        // for the JIT (5 hashes left it at 90-110 ms in some runs, against 35-45 ms warm).
        // The encoder Vigile hashes with (libargon2 where it loads, else Bouncy Castle's Argon2 with
        // pooled blocks), at its cost.
        Argon2Phc argon = new Argon2Phc(19456, 2, 1, 16, 32, cores, true);
        for (int i = 0; i < 40; i++) {
            argon.encode(PASSWORD);
        }
        long h0 = System.nanoTime();
        int hashes = 30;
        String hash = null;
        for (int i = 0; i < hashes; i++) {
            hash = argon.encode(PASSWORD);
        }
        double msPerHash = (System.nanoTime() - h0) / 1e6 / hashes;
        facts.put("Argon2id m=19456 t=2 p=1, one hash (" + argon.engine() + ")", String.format("%.1f ms", msPerHash));
        HashRate parallelLimit = parallelHashRate(argon, cores, hashes);
        facts.put(
                "hashing rate with " + cores + " threads at once (measured before the servers start)",
                String.format(
                        "%.1f hashes/s, %.1f ms of CPU a hash",
                        parallelLimit.perSecond(), parallelLimit.cpuMsPerHash()));

        Vigile v = null;
        Vigile rsa = null;
        Keycloak kc = null;
        try {
            v = vigile(
                    dbUrl,
                    pgUser,
                    "",
                    Map.of(),
                    List.of(
                            "--deploy",
                            Path.of("target/bench/ceiling.war").toAbsolutePath().toString()),
                    facts,
                    true,
                    hash,
                    cores);
            profilePid = v.payara().pid();
            String base = v.base();
            if (wanted("rsa")) {
                // Equal signing cost with Keycloak: an RS256 key of 2048 bits (Vigile's default is 3072).
                rsa = vigile(
                        dbUrl,
                        pgUser,
                        "RS256-2048: ",
                        Map.of("VIGILE_JWT_PRIVATE_KEY", rsaPem(2048)),
                        List.of(),
                        facts,
                        false,
                        hash,
                        cores);
            }
            if (wanted("kc")) {
                kc = Keycloak.start(pgUrl, pgUser, facts, cores);
            }
            HttpRequest ping = req(base + "/ceiling/api/ping").GET().build();
            Side ceiling = new Side(
                    "Ceiling: trivial JAX-RS GET, same Payara",
                    16,
                    w -> send(ping),
                    ProcessHandle.of(v.payara().pid()).orElseThrow());

            // Every side that will be measured warms up once (the JIT compiles its paths); then only
            // measured windows.
            List<Side> sides = new ArrayList<>();
            if (wanted("me")) {
                sides.add(ceiling);
            }
            for (Vigile server : rsa == null ? List.of(v) : List.of(v, rsa)) {
                addWanted(sides, server.me(), server.login(), server.refresh());
                if (wanted("login-new")) {
                    sides.add(server.newDeviceLogin());
                }
            }
            if (kc != null) {
                addWanted(sides, kc.userinfo(), kc.login(), kc.refresh());
            }
            for (Side side : sides) {
                side.run(WARMUP_SECONDS);
            }

            if (wanted("me")) {
                comparisons.add(compare("GET /api/users/me ÷ trivial JAX-RS ceiling", "≥ 0.70", v.me(), ceiling));
            }
            if (wanted("login") && wanted("login-new")) {
                comparisons.add(compare(
                        "logins from a known device/s ÷ from a new device", "—", v.login(), v.newDeviceLogin()));
            }
            if (kc != null) {
                if (wanted("me")) {
                    comparisons.add(compare("GET /api/users/me ÷ Keycloak userinfo", "≥ 2", v.me(), kc.userinfo()));
                }
                if (wanted("login")) {
                    comparisons.add(compare("logins/s ÷ Keycloak's", "≥ 1.3", v.login(), kc.login()));
                }
                if (wanted("login-new")) {
                    comparisons.add(
                            compare("logins from new devices/s ÷ Keycloak's", "≥ 1.3", v.newDeviceLogin(), kc.login()));
                }
                if (wanted("refresh")) {
                    comparisons.add(compare("refreshes/s ÷ Keycloak's", "≥ 1.5", v.refresh(), kc.refresh()));
                }
                if (rsa != null) {
                    if (wanted("me")) {
                        comparisons.add(compare(
                                "RS256-2048: GET /api/users/me ÷ Keycloak userinfo", "≥ 2", rsa.me(), kc.userinfo()));
                    }
                    if (wanted("login")) {
                        comparisons.add(compare("RS256-2048: logins/s ÷ Keycloak's", "≥ 1.3", rsa.login(), kc.login()));
                    }
                    if (wanted("refresh")) {
                        comparisons.add(
                                compare("RS256-2048: refreshes/s ÷ Keycloak's", "≥ 2", rsa.refresh(), kc.refresh()));
                    }
                }
            }
            long[] rssPeak = {rssKib(v.payara().pid())};
            HttpRequest me = req(base + "/api/users/me")
                    .header("Authorization", "Bearer " + v.admin())
                    .GET()
                    .build();
            if (wanted("me") && wanted("me-half")) {
                double max = comparisons.isEmpty()
                        ? 400
                        : comparisons.get(0).a().stream()
                                .mapToDouble(Result::perSecond)
                                .max()
                                .orElse(400);
                results.put(
                        "me-half",
                        open("GET /api/users/me at half its maximum rate (open loop)", max / 2, w -> send(me)));
            }
            if (wanted("login")) {
                // Logins against the hashing rate, the two measured back to back (the rate in this JVM
                // just before, with the servers idle).
                HashRate rate = parallelHashRate(argon, cores, hashes);
                Result logins = v.login().run(0);
                results.put("login-vs-hash", logins);
                facts.put(
                        "logins/s ÷ hashes/s on " + cores + " threads, measured back to back",
                        String.format(
                                "%.2f (%.1f / %.1f; target ≥ 0.90)",
                                logins.perSecond() / rate.perSecond(), logins.perSecond(), rate.perSecond()));
                // The machine's speed drifts (other tenants); CPU time per unit of work drifts far less.
                facts.put(
                        "Vigile's CPU per login ÷ CPU per hash (both cores busy), same moment",
                        String.format(
                                "%.2f (%.1f / %.1f ms; target ≤ 1.2)",
                                logins.cpuMsPerRequest() / rate.cpuMsPerHash(),
                                logins.cpuMsPerRequest(),
                                rate.cpuMsPerHash()));
            }
            rssPeak[0] = Math.max(rssPeak[0], rssKib(v.payara().pid()));

            // Reads while logins saturate the hashing pool.
            if (wanted("me-under-logins")) {
                AtomicBoolean saturating = new AtomicBoolean(true);
                ExecutorService loginLoad = Executors.newFixedThreadPool(2 * cores);
                for (int w = 0; w < 2 * cores; w++) {
                    int worker = w;
                    Call login = v.login().call();
                    loginLoad.submit(() -> {
                        while (saturating.get()) {
                            try {
                                login.run(worker);
                            } catch (Exception ignored) {
                                // measured elsewhere
                            }
                        }
                        return null;
                    });
                }
                Thread.sleep(1000);
                results.put(
                        "me-under-logins",
                        open("GET /api/users/me at 50/s while logins saturate the hashing", 50, w -> send(me)));
                saturating.set(false);
                loginLoad.shutdown();
                loginLoad.awaitTermination(30, TimeUnit.SECONDS);
            }
            HttpRequest page = req(base + "/api/users?size=50&page=3")
                    .header("Authorization", "Bearer " + v.admin())
                    .GET()
                    .build();
            if (wanted("page")) {
                results.put("page", closed("GET /api/users?size=50 (100,000 users)", 8, w -> send(page)));
            }
            rssPeak[0] = Math.max(rssPeak[0], rssKib(v.payara().pid()));
            facts.put("Vigile RSS peak under load", rssPeak[0] / 1024 + " MiB");
            if (kc != null) {
                facts.put("Keycloak RSS under load (launcher script and its JVM)", kc.rssKib() / 1024 + " MiB");
            }
        } finally {
            if (kc != null) {
                kc.stop(pgUrl, pgUser);
            }
            if (rsa != null) {
                rsa.payara().close();
            }
            if (v != null) {
                v.payara().close();
            }
        }

        try (Connection c = DriverManager.getConnection(pgUrl, pgUser, "");
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + db + " with (force)");
        }

        System.out.println();
        System.out.println(
                "Interleaved comparisons: " + PAIRS + " pairs of " + seconds + " s windows each, alternating which side"
                        + " goes first; the ratio is the median of the per-pair ratios, with their range.");
        System.out.println();
        System.out.println(
                "| ratio | median | range | A req/s (median) | B req/s (median) | A p99 ms | B p99 ms | A CPU ms/req"
                        + " | B CPU ms/req | A PostgreSQL CPU ms/req | B PostgreSQL CPU ms/req | goal |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        comparisons.forEach(c -> System.out.println(c.row()));
        System.out.println();
        System.out.println("| scenario | requests/s | p50 ms | p99 ms | non-2xx |");
        System.out.println("|---|---|---|---|---|");
        results.values().forEach(r -> System.out.println(r.row()));
        System.out.println();
        facts.forEach((k, value) -> System.out.println("- " + k + ": " + value));
    }

    /** What hashing on every core at once gave: hashes per second, and CPU time per hash. */
    record HashRate(double perSecond, double cpuMsPerHash) {}

    /** Hashes per second with one thread per core, all at once (a memory-hard hash does not scale freely). */
    static HashRate parallelHashRate(Argon2Phc argon, int cores, int hashes) throws Exception {
        ExecutorService hashers = Executors.newFixedThreadPool(cores);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Callable<Long>> each = new ArrayList<>();
        for (int t = 0; t < cores; t++) {
            each.add(() -> {
                long cpu0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < hashes; i++) {
                    argon.encode(PASSWORD);
                }
                return threads.getCurrentThreadCpuTime() - cpu0;
            });
        }
        long p0 = System.nanoTime();
        long cpu = 0;
        for (Future<Long> f : hashers.invokeAll(each)) {
            cpu += f.get();
        }
        double rate = cores * hashes * 1e9 / (System.nanoTime() - p0);
        hashers.shutdown();
        return new HashRate(rate, cpu / 1e6 / (cores * hashes));
    }

    /** Keycloak on the same PostgreSQL, same Argon2id cost: its password and refresh grants and userinfo. */
    record Keycloak(Process process, String db, Side login, Side refresh, Side userinfo) {
        long rssKib() throws Exception {
            // kc.sh is a shell script that starts the JVM as its child: count the whole tree.
            long total = Suite.rssKib(process.pid());
            for (ProcessHandle child : process.descendants().toList()) {
                total += Math.max(0, Suite.rssKib(child.pid()));
            }
            return total;
        }

        void stop(String pgUrl, String pgUser) throws Exception {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try (Connection c = DriverManager.getConnection(pgUrl, pgUser, "");
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + db + " with (force)");
            }
        }

        static Keycloak start(String pgUrl, String pgUser, Map<String, String> facts, int cores) throws Exception {
            String home = System.getenv("KEYCLOAK_HOME");
            String java = System.getenv("KEYCLOAK_JAVA");
            if (home == null || !Files.isDirectory(Path.of(home)) || java == null || java.isBlank()) {
                facts.put("Keycloak", "not measured (distribution or JDK 21+ missing)");
                return null;
            }
            String db = "kc_bench_" + ProcessHandle.current().pid();
            try (Connection c = DriverManager.getConnection(pgUrl, pgUser, "");
                    Statement s = c.createStatement()) {
                s.execute("create database " + db);
            }
            int port = dev.vigile.it.TestServer.freePort();
            String adminPassword = UUID.randomUUID().toString();
            ProcessBuilder pb = new ProcessBuilder(
                            home + "/bin/kc.sh",
                            "start-dev",
                            "--http-port=" + port,
                            "--db=postgres",
                            "--db-url=" + pgUrl.replace("/postgres", "/" + db),
                            "--db-username=" + pgUser,
                            "--db-password=unused")
                    .redirectErrorStream(true)
                    .redirectOutput(
                            Files.createTempFile("keycloak-bench", ".log").toFile());
            pb.environment().put("JAVA_HOME", java);
            pb.environment().put("JAVA_OPTS_KC_HEAP", "-Xmx1g");
            pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
            pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
            pb.environment().put("KC_SPI_PASSWORD_HASHING__ARGON2__MEMORY", "19456");
            pb.environment().put("KC_SPI_PASSWORD_HASHING__ARGON2__ITERATIONS", "2");
            pb.environment().put("KC_SPI_PASSWORD_HASHING__ARGON2__PARALLELISM", "1");
            long startNs = System.nanoTime();
            Process kc = pb.start();
            String base = "http://127.0.0.1:" + port;
            boolean up = false;
            for (int i = 0; i < 360 && !up && kc.isAlive(); i++) {
                try {
                    up = send(req(base + "/realms/master").GET().build()) == 200;
                } catch (Exception notYet) {
                    // starting
                }
                if (!up) {
                    Thread.sleep(500);
                }
            }
            Keycloak none = new Keycloak(kc, db, null, null, null);
            if (!up) {
                facts.put("Keycloak", "did not start");
                none.stop(pgUrl, pgUser);
                return null;
            }
            facts.put(
                    "Keycloak start to ready (start-dev, first start builds)",
                    String.format("%.1f s", (System.nanoTime() - startNs) / 1e9));
            String token = field(
                    sendText(form(
                                    base + "/realms/master/protocol/openid-connect/token",
                                    Map.of(
                                            "grant_type",
                                            "password",
                                            "client_id",
                                            "admin-cli",
                                            "username",
                                            "admin",
                                            "password",
                                            adminPassword)))
                            .body(),
                    "access_token");
            java.util.function.Function<String, HttpRequest.Builder> adminReq = path -> req(base + path)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json");
            // Rotation like Vigile's: a refresh token is good once. Tokens outlive the run, as Vigile's.
            sendText(adminReq.apply("/admin/realms")
                    .POST(
                            HttpRequest.BodyPublishers.ofString(
                                    "{\"realm\":\"bench\",\"enabled\":true,\"passwordPolicy\":\"hashAlgorithm(argon2)\",\"revokeRefreshToken\":true,"
                                            + "\"refreshTokenMaxReuse\":0,\"accessTokenLifespan\":7200,\"ssoSessionIdleTimeout\":7200}"))
                    .build());
            sendText(adminReq.apply("/admin/realms/bench/clients")
                    .POST(
                            HttpRequest.BodyPublishers.ofString(
                                    "{\"clientId\":\"bench\",\"publicClient\":true,\"directAccessGrantsEnabled\":true,\"standardFlowEnabled\":false}"))
                    .build());
            for (int i = 0; i < ACCOUNTS; i++) {
                sendText(adminReq.apply("/admin/realms/bench/users")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"acct" + i + "\",\"email\":\"acct" + i
                                + "@bench.test\",\"emailVerified\":true,\"firstName\":\"A\","
                                + "\"lastName\":\"B\",\"enabled\":true,\"credentials\":[{\"type\":\"password\",\"value\":\""
                                + PASSWORD
                                + "\",\"temporary\":false}]}"))
                        .build());
            }
            String tokenUrl = base + "/realms/bench/protocol/openid-connect/token";
            IntFunction<HttpRequest> login = w -> form(
                    tokenUrl,
                    Map.of(
                            "grant_type",
                            "password",
                            "client_id",
                            "bench",
                            "username",
                            "acct" + (w % ACCOUNTS),
                            "password",
                            PASSWORD,
                            "scope",
                            "openid"));
            HttpResponse<String> probe = sendText(login.apply(0));
            if (probe.statusCode() != 200) {
                facts.put("Keycloak", "login failed: " + probe.statusCode() + " " + probe.body());
                none.stop(pgUrl, pgUser);
                return null;
            }
            // Proof of equal cost: the parameters Keycloak stored with the password it checks.
            try (Connection c = DriverManager.getConnection(pgUrl.replace("/postgres", "/" + db), pgUser, "");
                    Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("select c.credential_data from credential c"
                            + " join user_entity u on u.id = c.user_id join realm r on r.id = u.realm_id"
                            + " where r.name = 'bench' and u.username = 'acct0' and c.type = 'password'")) {
                facts.put("Keycloak's stored hash parameters (acct0)", rs.next() ? rs.getString(1) : "none found");
            }
            HttpRequest userinfo = req(base + "/realms/bench/protocol/openid-connect/userinfo")
                    .header("Authorization", "Bearer " + field(probe.body(), "access_token"))
                    .GET()
                    .build();
            int refreshers = 16;
            String[] chains = new String[refreshers];
            for (int w = 0; w < refreshers; w++) {
                chains[w] = field(sendText(login.apply(w)).body(), "refresh_token");
            }
            Side refresh = new Side(
                    "Keycloak: refresh-token grant (rotation)",
                    refreshers,
                    w -> {
                        HttpResponse<String> r = sendText(form(
                                tokenUrl,
                                Map.of(
                                        "grant_type",
                                        "refresh_token",
                                        "client_id",
                                        "bench",
                                        "refresh_token",
                                        chains[w])));
                        String next = field(r.body(), "refresh_token");
                        if (next != null) {
                            chains[w] = next;
                        }
                        return r.statusCode();
                    },
                    kc.toHandle());
            return new Keycloak(
                    kc,
                    db,
                    new Side("Keycloak: password grant (login)", 2 * cores, w -> send(login.apply(w)), kc.toHandle()),
                    refresh,
                    new Side("Keycloak: userinfo (valid token)", 16, w -> send(userinfo), kc.toHandle()));
        }
    }
}
