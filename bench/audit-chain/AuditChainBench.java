import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * See run.sh. For each number of writers, every writer loops over one transaction as Vigile's
 * audited writes make it (the key set for the transaction, one audit row inserted, committed, so
 * the seal chains and links it under the chain's lock at commit), for SECONDS; then the same
 * transaction inserting the same row into a table without the seal, as the ceiling of the same
 * commits without the chain. Prints a Markdown table.
 */
public class AuditChainBench {
    static final String INSERT = "with k as (select set_config('vigile.audit_key', ?, true))"
            + " insert into %s (actor_id, actor_email, action, target_type, target_id, outcome, ip, user_agent,"
            + " request_id, details) select gen_random_uuid(), 'bench@example.com', 'auth.login', 'session',"
            + " gen_random_uuid()::text, 'success', '10.0.0.1', 'bench/1.0', md5(random()::text),"
            + " jsonb_build_object('session', gen_random_uuid()) from k";

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int[] writers = java.util.Arrays.stream(args[1].split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        String adminUrl = System.getenv().getOrDefault("BENCH_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String user = System.getenv().getOrDefault("BENCH_DB_USER", "postgres");
        String name = "vigile_bench_chain_" + ProcessHandle.current().pid();
        String url = adminUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
        try (Connection c = DriverManager.getConnection(adminUrl, user, "");
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        try {
            dev.vigile.platform.FlywayIntegrator.Migrations.flyway(url, user, "", null)
                    .migrate();
            try (Connection c = DriverManager.getConnection(url, user, "");
                    Statement s = c.createStatement()) {
                // The same columns and indexes, no triggers: what the same commits cost without the chain.
                s.execute("create table plain_events (like audit_events including defaults including indexes)");
                s.execute("alter table plain_events alter column id set default nextval('audit_events_id_seq'),"
                        + " alter column occurred_at set default clock_timestamp(), alter column prev_hash drop not null,"
                        + " alter column hash drop not null");
            }
            String key = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(32));
            System.out.println("| writers | chained audit rows/s | p99 ms | without the chain, rows/s | p99 ms |"
                    + " chained ÷ unchained |");
            System.out.println("|---:|---:|---:|---:|---:|---:|");
            for (int n : writers) {
                double[] chained = run(url, user, key, "audit_events", n, seconds);
                double[] plain = run(url, user, key, "plain_events", n, seconds);
                System.out.printf(
                        "| %d | %,.0f | %.1f | %,.0f | %.1f | %.2f |%n",
                        n, chained[0], chained[1], plain[0], plain[1], chained[0] / plain[0]);
            }
            try (Connection c = DriverManager.getConnection(url, user, "");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select count(*), count(*) filter (where link is null)"
                            + " from audit_events where id > 0")) {
                rs.next();
                System.err.printf("sealed rows: %,d (unlinked: %d)%n", rs.getLong(1), rs.getLong(2));
            }
        } finally {
            try (Connection c = DriverManager.getConnection(adminUrl, user, "");
                    Statement s = c.createStatement()) {
                s.execute("drop database if exists " + name + " with (force)");
            }
        }
    }

    /** Rows per second and the p99 latency (ms) of {@code n} writers over {@code seconds}. */
    static double[] run(String url, String user, String key, String table, int n, int seconds) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder done = new LongAdder();
        List<long[]> latencies = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long[] mine = new long[200_000];
            latencies.add(mine);
            Thread t = new Thread(() -> {
                int count = 0;
                try (Connection c = DriverManager.getConnection(url, user, "");
                        PreparedStatement ps = c.prepareStatement(String.format(INSERT, table))) {
                    c.setAutoCommit(false);
                    ps.setString(1, key);
                    ready.countDown();
                    while (running.get()) {
                        long t0 = System.nanoTime();
                        ps.executeUpdate();
                        c.commit();
                        if (measuring.get()) {
                            done.increment();
                            if (count < mine.length - 1) {
                                mine[++count] = System.nanoTime() - t0;
                            }
                        }
                    }
                    mine[0] = count;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.start();
            threads.add(t);
        }
        ready.await();
        Thread.sleep(2000);
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        long total = done.sum();
        long[] all = latencies.stream()
                .flatMapToLong(l -> java.util.Arrays.stream(l, 1, (int) l[0] + 1))
                .sorted()
                .toArray();
        double p99 = all.length == 0 ? 0 : all[(int) Math.min(all.length - 1, Math.floor(all.length * 0.99))] / 1e6;
        return new double[] {total / elapsed, p99};
    }
}
