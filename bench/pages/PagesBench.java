import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * See run.sh. Open loop: requests start on a fixed schedule whatever the answers do, and each
 * latency runs from the request's scheduled start, so a stall counts for every request it delays.
 */
public class PagesBench {
    static final HttpClient HTTP = dev.vigile.it.BenchServer.HTTP;

    public static void main(String[] args) throws Exception {
        int users = Integer.parseInt(args[0]);
        long audit = Long.parseLong(args[1]);
        int rate = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        List<String> rows = new ArrayList<>();
        try (dev.vigile.it.BenchServer server = dev.vigile.it.BenchServer.start("pages", Map.of(), "-Xmx512m")) {
            String base = server.base;
            long newest = seed(server.jdbcUrl, server.dbUser, users, audit);
            String admin = server.login();
            String[][] scenarios = {
                {"users, page 1 of 50 (" + users + " users)", "/api/users?size=50"},
                {"users, page 1 of 50, q=4b2a", "/api/users?size=50&q=4b2a"},
                {"audit, first page of 50 (" + audit + " events)", "/api/admin/audit?size=50"},
                {"audit, 50 before an id 1,000,000 deep", "/api/admin/audit?size=50&before=" + (newest - 1_000_000)},
                {"audit, page 20,001 of 50 (offset 1,000,000)", "/api/admin/audit?size=50&page=20001"},
                {"audit, first page of 50, action=auth.login", "/api/admin/audit?size=50&action=auth.login"},
                {
                    "audit, first page of 50, action=auth.login&outcome=success",
                    "/api/admin/audit?size=50&action=auth.login&outcome=success"
                },
                {
                    "audit, 50 before an id 1,000,000 deep, outcome=failure",
                    "/api/admin/audit?size=50&outcome=failure&before=" + (newest - 1_000_000)
                },
                // Only the oldest 1,000 events have this action and outcome.
                {
                    "audit, first page of 50, action=user.deleted (only the oldest 1,000 events)",
                    "/api/admin/audit?size=50&action=user.deleted"
                },
                {
                    "audit, first page of 50, outcome=denied (only the oldest 1,000 events)",
                    "/api/admin/audit?size=50&outcome=denied"
                },
            };
            String only = System.getenv("PAGES_ONLY");
            int warmup = Integer.parseInt(System.getenv().getOrDefault("PAGES_WARMUP", "20"));
            for (String[] s : scenarios) {
                if (only != null && Arrays.stream(only.split(",")).noneMatch(s[1]::contains)) {
                    continue;
                }
                check(base, s[1], admin);
                openLoop(base, s[1], admin, rate, warmup); // warm-up, not counted
                long[] lat = openLoop(base, s[1], admin, rate, seconds);
                rows.add(String.format(
                        "| %s | %d | %.1f | %.1f | %.1f | %d |",
                        s[0],
                        lat.length,
                        lat[lat.length / 2] / 1e6,
                        lat[(int) (lat.length * 0.99)] / 1e6,
                        lat[lat.length - 1] / 1e6,
                        failed.get()));
                System.err.println(rows.get(rows.size() - 1));
            }
            // PAGES_IDLE=<seconds>: the server's resident memory once idle that long after the load.
            int idle = Integer.parseInt(System.getenv().getOrDefault("PAGES_IDLE", "0"));
            if (idle > 0) {
                Thread.sleep(idle * 1000L);
                String status = java.nio.file.Files.readString(
                        java.nio.file.Path.of("/proc/" + server.payara.pid() + "/status"));
                String rss = status.lines()
                        .filter(l -> l.startsWith("VmRSS:"))
                        .findFirst()
                        .orElse("VmRSS: ?");
                System.err.println("after " + idle + " s idle: " + rss.replaceAll("\\s+", " "));
            }
        }
        System.out.println();
        System.out.printf(
                "Open loop at %d req/s for %d s per row, client and server on this machine.%n%n", rate, seconds);
        System.out.println("| request | requests | p50 (ms) | p99 (ms) | max (ms) | not 200 |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /**
     * Users and audit events straight into the database (the oldest 1,000 events are denied
     * deletions, an action and an outcome found nowhere else). The events are written with the chain's
     * triggers off (placeholder hashes: the bench reads pages, it does not verify the chain), then
     * the kept counts are set; returns the newest event id.
     */
    static long seed(String url, String user, int users, long audit) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement()) {
            long t = System.nanoTime();
            // Without the count's per-row trigger (a minute for 100,000 rows); the count is set after.
            s.execute("set session_replication_role = replica");
            s.execute("insert into users (id, email, display_name, password_hash, enabled, created_at, updated_at)"
                    + " select gen_random_uuid(), 'user' || g || '-' || substr(md5(g::text), 1, 6) || '@example.com',"
                    + " case when g % 3 = 0 then null else 'Person ' || md5(g::text) end,"
                    + " 'not-a-hash', g % 10 <> 0, now() - make_interval(secs => g), now()"
                    + " from generate_series(1, " + users + ") g");
            s.execute("insert into user_roles select id, 'USER' from users where password_hash = 'not-a-hash'");
            s.execute("set session_replication_role = default");
            s.execute("update user_count set users = (select count(*) from users)");
            long base;
            try (ResultSet rs = s.executeQuery("select coalesce(max(id), 0) from audit_events")) {
                rs.next();
                base = rs.getLong(1);
            }
            // The secondary indexes are dropped for the load and rebuilt from their own definitions.
            List<String> indexes = new ArrayList<>();
            try (ResultSet rs =
                    s.executeQuery("select indexname, indexdef from pg_indexes where tablename = 'audit_events'"
                            + " and indexname <> 'audit_events_pkey'")) {
                while (rs.next()) {
                    indexes.add(rs.getString(2));
                }
            }
            for (String def : indexes) {
                s.execute("drop index " + def.replaceFirst("^CREATE (UNIQUE )?INDEX (\\S+) .*$", "$2"));
            }
            s.execute("set session_replication_role = replica");
            // Ids in time order, after those already sealed; the seal continues after them.
            s.execute(
                    "insert into audit_events (id, occurred_at, actor_id, actor_email, action, target_type, target_id,"
                            + " outcome, ip, user_agent, request_id, details, prev_hash, hash)"
                            + " select " + (base + audit + 1)
                            + " - g, now() - make_interval(secs => g::double precision / 10), null,"
                            + " 'user' || (g % 100000) || '@example.com',"
                            + " case when g > " + (audit - 1000) + " then 'user.deleted'"
                            + " else (array['auth.login', 'auth.login.failed', 'auth.refresh', 'user.updated', 'auth.logout'])[1 + g % 5] end,"
                            + " 'user', md5(g::text),"
                            + " case when g > " + (audit - 1000)
                            + " then 'denied' when g % 5 = 1 then 'failure' else 'success' end,"
                            + " '10.0.' || (g % 250) || '.' || (g % 200), 'bench/1.0', md5((g * 7)::text),"
                            + " '{}'::jsonb, repeat('0', 64), repeat('1', 64) from generate_series(1, " + audit
                            + ") g");
            s.execute("select setval('audit_events_id_seq', " + (base + audit) + ")");
            s.execute("set session_replication_role = default");
            s.execute("set maintenance_work_mem = '512MB'");
            for (String def : indexes) {
                s.execute(def);
            }
            s.execute("delete from audit_event_tally");
            s.execute("insert into audit_event_tally (action, outcome, sealed)"
                    + " select action, outcome, count(*) from audit_events where id > 0 group by action, outcome");
            s.execute("vacuum analyze");
            s.execute("checkpoint");
            System.err.printf(
                    "seeded %d users and %d audit events in %.0f s%n", users, audit, (System.nanoTime() - t) / 1e9);
            try (ResultSet rs = s.executeQuery("select max(id) from audit_events")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void check(String base, String path, String token) throws Exception {
        HttpResponse<String> r = HTTP.send(get(base, path, token), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.body().contains("\"items\":[{")) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + " " + r.body());
        }
    }

    static HttpRequest get(String base, String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
    }

    /** Answers other than 200 (or no answer) in the last open-loop window. */
    static final java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();

    static long[] openLoop(String base, String path, String token, int rate, int seconds) throws Exception {
        failed.set(0);
        int n = rate * seconds;
        long[] lat = new long[n];
        List<CompletableFuture<?>> all = new ArrayList<>();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime() + 50_000_000L;
        long period = 1_000_000_000L / rate;
        try {
            for (int i = 0; i < n; i++) {
                int k = i;
                long due = start + k * period;
                CompletableFuture<Void> done = new CompletableFuture<>();
                all.add(done);
                timer.schedule(
                        () -> {
                            HTTP.sendAsync(get(base, path, token), HttpResponse.BodyHandlers.ofString())
                                    .whenComplete((r, e) -> {
                                        lat[k] = System.nanoTime() - due;
                                        if (e != null || r.statusCode() != 200) {
                                            failed.incrementAndGet();
                                        }
                                        done.complete(null);
                                    });
                        },
                        due - System.nanoTime(),
                        TimeUnit.NANOSECONDS);
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        } finally {
            timer.shutdownNow();
        }
        Arrays.sort(lat);
        return lat;
    }
}
