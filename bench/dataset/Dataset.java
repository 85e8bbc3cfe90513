import dev.vigile.audit.control.AuditArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * See run.sh. Loads a Vigile database of a given scale through COPY: users, roles, TOTP, sessions
 * (each with its current refresh token's hash), device tokens, personal and shared notifications with their reads, throttle
 * buckets, and an audit log whose hash chain and keyed links are computed here exactly as the seal
 * computes them, so that verify passes; the per-action tallies and the user count to match.
 * Deterministic (fixed seed), so two loads of one scale are alike.
 */
public class Dataset {
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MICROS);
    static final long DAY_US = Duration.ofDays(1).toNanos() / 1000;

    /**
     * {@code span * i / n} without overflow: the i-th of n moments spread over {@code span}
     * microseconds, increasing with i. Written {@code span * i / n}, it overflowed a long past
     * about 100,000 users (three years is 9.5e13 microseconds), so rows were not loaded in the
     * order of their times: the newest users lay scattered over the table, not at its end.
     */
    static long share(long span, long i, long n) {
        return span / n * i + span % n * i / n;
    }

    static final String PASSWORD = "dataset passphrase";
    static final String[] DOMAINS = {
        "example.com",
        "example.org",
        "example.net",
        "mail.example.com",
        "corp.example",
        "univ.example",
        "example.de",
        "example.fr",
        "example.co.uk",
        "example.io"
    };
    static final String[] AGENTS = {
        "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0",
        "Mozilla/5.0 (Macintosh) Safari/19.0",
        "Mozilla/5.0 (Windows NT 10.0) Firefox/150.0",
        "okhttp/5.1",
        "vigile-cli/1.4",
        "Mozilla/5.0 (iPhone) Mobile"
    };

    final int users;
    final long sessions;
    final long devices;
    final long personal;
    final int broadcasts;
    final long sharedReads;
    final long auditEvents;
    final int throttleRows;
    final UUID[] userIds;
    final String url;
    final String dbUser;
    final byte[] auditKey;

    Dataset(double scale, String url, String dbUser, byte[] auditKey) {
        this.users = Math.max(10, (int) Math.round(1_000_000 * scale));
        this.sessions = Math.round(5_000_000 * scale);
        this.devices = Math.round(1_500_000 * scale);
        this.personal = Math.round(8_000_000 * scale);
        this.broadcasts = (int) Math.max(2, Math.round(2_000 * scale));
        this.sharedReads = Math.round(2_000_000 * scale);
        this.auditEvents = Math.round(30_000_000 * scale);
        this.throttleRows = (int) Math.round(50_000 * scale);
        this.userIds = new UUID[users];
        SplittableRandom r = new SplittableRandom(37);
        for (int i = 0; i < users; i++) {
            userIds[i] = new UUID(r.nextLong(), r.nextLong());
        }
        this.url = url;
        this.dbUser = dbUser;
        this.auditKey = auditKey;
    }

    /** The email of user n (0-based), lower case as Vigile stores it. */
    static String email(int n) {
        return "user" + n + "@" + DOMAINS[n % DOMAINS.length];
    }

    static String ts(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
    }

    static long micros(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String randomHex(SplittableRandom r) {
        return String.format("%016x%016x%016x%016x", r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
    }

    /** COPY text format: \N for null, backslash and control characters escaped. */
    static String c(String s) {
        if (s == null) {
            return "\\N";
        }
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    /**
     * Streams rows into one COPY, 1 MB at a time, on a connection of its own (a connection carries
     * one COPY at a time), committed at close.
     */
    final class Copy implements AutoCloseable {
        final Connection conn;
        final CopyIn in;
        final StringBuilder buf = new StringBuilder(1 << 20);
        long rows;

        Copy(Connection ignored, String table, String columns) throws Exception {
            conn = connect();
            in = conn.unwrap(PGConnection.class).getCopyAPI().copyIn("copy " + table + " (" + columns + ") from stdin");
        }

        void row(String... fields) throws Exception {
            for (int i = 0; i < fields.length; i++) {
                if (i > 0) {
                    buf.append('\t');
                }
                buf.append(fields[i]);
            }
            buf.append('\n');
            rows++;
            if (buf.length() > (1 << 20) - 4096) {
                flush();
            }
        }

        void flush() throws Exception {
            byte[] b = buf.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(b, 0, b.length);
            buf.setLength(0);
        }

        @Override
        public void close() throws Exception {
            try {
                flush();
                in.endCopy();
                conn.commit();
            } finally {
                conn.close();
            }
        }
    }

    Connection connect() throws Exception {
        Connection conn = DriverManager.getConnection(url, dbUser, "");
        try (Statement s = conn.createStatement()) {
            // No per-row triggers (the seal, the counts, foreign keys) during the load; set after.
            s.execute("set session_replication_role = replica");
            s.execute("set synchronous_commit = off");
        }
        conn.setAutoCommit(false);
        return conn;
    }

    void loadIdentity(String hash) throws Exception {
        SplittableRandom r = new SplittableRandom(1);
        long span = 3 * 365 * DAY_US;
        try (Connection conn = connect()) {
            try (Copy u = new Copy(
                    conn,
                    "users",
                    "id, email, display_name, password_hash, enabled, created_at,"
                            + " updated_at, last_login_at, email_verified, locale, mfa_enabled")) {
                for (int n = 0; n < users; n++) {
                    long created = micros(NOW) - span + share(span, n, users);
                    String login = r.nextInt(10) < 7 ? ts(micros(NOW) - r.nextLong(30 * DAY_US)) : "\\N";
                    u.row(
                            userIds[n].toString(),
                            c(email(n)),
                            n % 3 == 0 ? "\\N" : c("Person " + n),
                            c(hash),
                            n % 50 == 7 ? "f" : "t",
                            ts(created),
                            ts(created),
                            login,
                            n % 5 == 0 ? "f" : "t",
                            n % 5 == 1 ? "fr" : "\\N",
                            n % 10 == 3 ? "t" : "f");
                }
            }
            try (Copy ur = new Copy(conn, "user_roles", "user_id, role_name")) {
                for (int n = 0; n < users; n++) {
                    ur.row(userIds[n].toString(), "USER");
                    if (n % 2000 == 11) {
                        ur.row(userIds[n].toString(), "ADMIN");
                    }
                }
            }
            try (Copy t = new Copy(conn, "mfa_totp", "user_id, secret, created_at, confirmed_at")) {
                for (int n = 3; n < users; n += 10) {
                    // Not a usable secret: the dataset's MFA users stop at the second step.
                    t.row(userIds[n].toString(), "dataset", ts(micros(NOW)), ts(micros(NOW)));
                }
            }
            conn.commit();
            System.err.printf("  users: %,d%n", users);
            loadSessions(conn, r);
            loadDevices(conn, r);
            loadNotifications(conn, r);
            conn.commit();
        }
    }

    void loadSessions(Connection conn, SplittableRandom r) throws Exception {
        long now = micros(NOW);
        // Each session holds its current refresh token's hash and its own key (V24): a rotation
        // writes no row of its own, so refresh_tokens (tokens from before V24) stays empty.
        try (Copy s = new Copy(
                conn,
                "sessions",
                "id, user_id, created_at, last_used_at, expires_at, revoked_at,"
                        + " revoked_reason, ip, user_agent, mfa, amr, refresh_audited_at, refresh_hash, refresh_rotation,"
                        + " refresh_key")) {
            for (long k = 0; k < sessions; k++) {
                int n = r.nextInt(users);
                UUID id = new UUID(r.nextLong(), r.nextLong());
                int kind = r.nextInt(10);
                long created;
                long lastUsed;
                long expires;
                String revoked = "\\N";
                String reason = "\\N";
                if (kind == 0) {
                    // live: within its 30 days, used within its 7 idle days
                    created = now - r.nextLong(29 * DAY_US);
                    lastUsed = Math.max(created, now - r.nextLong(6 * DAY_US));
                    expires = created + 30 * DAY_US;
                } else {
                    // ended within the sweep's retention (7 days): expired or revoked
                    long ended = now - r.nextLong(6 * DAY_US);
                    created = ended - 30 * DAY_US + r.nextLong(DAY_US);
                    lastUsed = ended - r.nextLong(DAY_US);
                    expires = kind <= 6 ? ended : created + 30 * DAY_US;
                    if (kind > 6) {
                        revoked = ts(ended);
                        reason = kind == 9 ? "logout_all" : "logout";
                    }
                }
                s.row(
                        id.toString(),
                        userIds[n].toString(),
                        ts(created),
                        ts(lastUsed),
                        ts(expires),
                        revoked,
                        reason,
                        "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256),
                        c(AGENTS[r.nextInt(AGENTS.length)]),
                        "f",
                        "\\N",
                        ts(lastUsed),
                        randomHex(r),
                        Long.toString(kind == 0 ? 1 + r.nextInt(2000) : r.nextInt(8640)),
                        c("\\x" + randomHex(r)));
            }
        }
        conn.commit();
        System.err.printf("  sessions: %,d%n", sessions);
    }

    void loadDevices(Connection conn, SplittableRandom r) throws Exception {
        long now = micros(NOW);
        try (Copy d = new Copy(conn, "device_tokens", "id, user_id, token_hash, created_at, last_used_at")) {
            for (long k = 0; k < devices; k++) {
                long used = now - r.nextLong(360 * DAY_US);
                d.row(
                        new UUID(r.nextLong(), r.nextLong()).toString(),
                        userIds[r.nextInt(users)].toString(),
                        randomHex(r),
                        ts(used - r.nextLong(DAY_US)),
                        ts(used));
            }
        }
        conn.commit();
        System.err.printf("  device tokens: %,d%n", devices);
    }

    void loadNotifications(Connection conn, SplittableRandom r) throws Exception {
        long now = micros(NOW);
        long year = 360 * DAY_US;
        String[] kinds = {"security.new_device", "account.updated", "security.password_changed", "admin.message"};
        // Personal: a message and an inbox row each, in time order; then the shared ones.
        try (Copy m = new Copy(
                        conn,
                        "notification_messages",
                        "id, kind, title, body, audience_type, audience_value," + " recipients, created_at");
                Copy i = new Copy(conn, "notifications", "id, message_id, user_id, read_at")) {
            for (long k = 1; k <= personal; k++) {
                long at = now - year + share(year, k, personal + 1);
                int n = r.nextInt(users);
                String kind = kinds[r.nextInt(kinds.length)];
                m.row(
                        Long.toString(k),
                        kind,
                        c("About your account " + k),
                        c("Something happened on your account."),
                        "user",
                        userIds[n].toString(),
                        "1",
                        ts(at));
                String read = "\\N";
                if (r.nextInt(10) < 7) {
                    // read within the read-notification retention (90 days)
                    read = ts(Math.max(at, now - r.nextLong(89 * DAY_US)));
                }
                i.row(Long.toString(k), Long.toString(k), userIds[n].toString(), read);
            }
        }
        conn.commit();
        try (Copy m = new Copy(
                        conn,
                        "notification_messages",
                        "id, kind, title, body, audience_type, audience_value," + " recipients, created_at");
                Copy s = new Copy(conn, "notification_shared", "id, message_id, role_name, created_at")) {
            for (int b = 1; b <= broadcasts; b++) {
                long at = now - year + share(year, b, broadcasts + 1);
                long id = personal + b;
                boolean admins = b % 10 == 0;
                m.row(
                        Long.toString(id),
                        "admin.broadcast",
                        c("Announcement " + b),
                        c("News for everyone."),
                        admins ? "role" : "all",
                        admins ? "ADMIN" : "\\N",
                        Integer.toString(admins ? users / 2000 : users),
                        ts(at));
                s.row(Long.toString(id), Long.toString(id), admins ? "ADMIN" : "\\N", ts(at));
            }
        }
        conn.commit();
        try (Copy sr = new Copy(conn, "notification_shared_reads", "user_id, shared_id, read_at")) {
            // Distinct (user, broadcast) pairs: users in order, each reading consecutive broadcasts.
            long perUser = Math.max(1, sharedReads / users);
            long done = 0;
            for (int n = 0; n < users && done < sharedReads; n++) {
                long first = r.nextInt(broadcasts);
                for (long j = 0; j < perUser && j < broadcasts && done < sharedReads; j++) {
                    long shared = personal + 1 + (first + j) % broadcasts;
                    sr.row(userIds[n].toString(), Long.toString(shared), ts(now - r.nextLong(89 * DAY_US)));
                    done++;
                }
            }
        }
        try (Statement s = conn.createStatement()) {
            long last = personal + broadcasts;
            s.execute("select setval('notification_messages_id_seq', " + last + ")");
            s.execute("select setval(pg_get_serial_sequence('notifications', 'id'), " + last + ")");
        }
        conn.commit();
        System.err.printf(
                "  notifications: %,d personal, %,d broadcasts, %,d broadcast reads%n",
                personal, broadcasts, sharedReads);
    }

    /** The audit log: sealed rows 1..N, chained and linked as audit_events_seal does. */
    void loadAudit() throws Exception {
        SplittableRandom r = new SplittableRandom(2);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(auditKey, "HmacSHA256"));
        String prev = "0".repeat(64);
        String prevLink = "0".repeat(64);
        long now = micros(NOW);
        long year = 365 * DAY_US;
        String[][] actions = {
            {"auth.login", "success"}, {"auth.login", "success"}, {"auth.login", "success"},
            {"auth.refresh", "success"}, {"auth.refresh", "success"}, {"auth.refresh", "success"},
            {"auth.refresh", "success"}, {"auth.login.failed", "failure"}, {"auth.logout", "success"},
            {"user.updated", "success"}, {"auth.register", "success"}, {"auth.refresh.reuse", "failure"},
            {"auth.password.changed", "success"}, {"notification.sent", "success"}
        };
        try (Connection conn = connect()) {
            try (Copy a = new Copy(
                    conn,
                    "audit_events",
                    "id, occurred_at, actor_id, actor_email, action, target_type,"
                            + " target_id, outcome, ip, user_agent, request_id, details, prev_hash, hash, link")) {
                for (long id = 1; id <= auditEvents; id++) {
                    long at = now - year + share(year, id, auditEvents + 1);
                    int n = r.nextInt(users);
                    String[] action = actions[r.nextInt(actions.length)];
                    String actorId = userIds[n].toString();
                    String session = new UUID(r.nextLong(), r.nextLong()).toString();
                    String details;
                    String targetType;
                    String targetId;
                    switch (action[0]) {
                        case "auth.login", "auth.refresh", "auth.logout", "auth.refresh.reuse" -> {
                            details = "{\"session\": \"" + session + "\"}";
                            targetType = "session";
                            targetId = session;
                        }
                        case "auth.login.failed" -> {
                            details = "{\"reason\": \"wrong password\"}";
                            targetType = "user";
                            targetId = actorId;
                        }
                        default -> {
                            details = "{}";
                            targetType = "user";
                            targetId = actorId;
                        }
                    }
                    String ip = "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
                    String agent = AGENTS[r.nextInt(AGENTS.length)];
                    String requestId = Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
                    AuditArchive.Row row = new AuditArchive.Row(
                            id,
                            null,
                            at,
                            prev,
                            null,
                            null,
                            actorId,
                            email(n),
                            action[0],
                            targetType,
                            targetId,
                            action[1],
                            ip,
                            agent,
                            requestId,
                            details);
                    String hash = row.recomputedHash();
                    String link = hex(mac.doFinal((prevLink + hash).getBytes(StandardCharsets.UTF_8)));
                    a.row(
                            Long.toString(id),
                            ts(at),
                            actorId,
                            c(email(n)),
                            action[0],
                            targetType,
                            c(targetId),
                            action[1],
                            ip,
                            c(agent),
                            requestId,
                            c(details),
                            prev,
                            hash,
                            link);
                    prev = hash;
                    prevLink = link;
                    if (id % 5_000_000 == 0) {
                        System.err.printf("  audit events: %,d%n", id);
                    }
                }
            }
            try (Statement s = conn.createStatement()) {
                s.execute("select setval('audit_events_id_seq', " + Math.max(1, auditEvents) + ")");
                s.execute("delete from audit_event_tally");
                s.execute("insert into audit_event_tally (action, outcome, sealed)"
                        + " select action, outcome, count(*) from audit_events where id > 0 group by action, outcome");
            }
            conn.commit();
        }
        System.err.printf("  audit events: %,d, chained and linked%n", auditEvents);
    }

    /** Throttle buckets of strangers' addresses, their state made by Bucket4j itself. */
    void loadThrottle() throws Exception {
        var proxies = io.github.bucket4j.postgresql.Bucket4jPostgreSQL.selectForUpdateBasedBuilder(
                        new org.postgresql.ds.PGSimpleDataSource() {
                            {
                                setURL(url);
                                setUser(dbUser);
                            }
                        })
                .primaryKeyMapper(io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper.STRING)
                .table("throttle_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(
                        io.github.bucket4j.distributed.ExpirationAfterWriteStrategy
                                .basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
        var config = io.github.bucket4j.BucketConfiguration.builder()
                .addLimit(io.github.bucket4j.Bandwidth.builder()
                        .capacity(20)
                        .refillGreedy(20, Duration.ofHours(1))
                        .build())
                .build();
        proxies.builder().build("dataset:probe", () -> config).tryConsume(1);
        try (Connection conn = connect();
                Statement s = conn.createStatement()) {
            s.execute(
                    "insert into throttle_buckets (id, state, expires_at) select 'address:10.200.' || (g / 250) || '.'"
                            + " || (g % 250), state, expires_at + g * 10 from throttle_buckets, generate_series(0, "
                            + (throttleRows - 1) + ") g where id = 'dataset:probe'");
            s.execute("delete from throttle_buckets where id = 'dataset:probe'");
            conn.commit();
        }
        System.err.printf("  throttle buckets: %,d%n", throttleRows);
    }

    /**
     * The spread of times holds at the largest sizes (scale 10 included), whatever scale this run
     * loads: CI loads a thousand users, where the overflow {@link #share} replaced never showed.
     */
    static void checkTheSpreadOfTimes() {
        for (long n : new long[] {1_000, 1_000_000, 10_000_000, 300_000_001}) {
            for (long span : new long[] {360 * DAY_US, 365 * DAY_US, 3 * 365 * DAY_US}) {
                for (long i : new long[] {0, 1, n / 3, n / 2, n - 2, n - 1}) {
                    long exact = java.math.BigInteger.valueOf(span)
                            .multiply(java.math.BigInteger.valueOf(i))
                            .divide(java.math.BigInteger.valueOf(n))
                            .longValueExact();
                    if (share(span, i, n) != exact) {
                        throw new IllegalStateException("row " + i + " of " + n + " over " + span + " µs: "
                                + share(span, i, n) + ", not " + exact);
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        checkTheSpreadOfTimes();
        double scale = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        String name = System.getenv().getOrDefault("DATASET_DB", "vigile_dataset");
        String adminUrl = System.getenv().getOrDefault("BENCH_DB_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        String dbUser = System.getenv().getOrDefault("BENCH_DB_USER", "postgres");
        String url = adminUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(adminUrl, dbUser, "");
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + name + " with (force)");
            s.execute("create database " + name);
        }
        dev.vigile.platform.FlywayIntegrator.Migrations.flyway(url, dbUser, "", null)
                .migrate();
        // The secrets Vigile must start with on this dataset, kept beside it (never in the database).
        Path secrets = Path.of("target", "dataset", name + ".env");
        Files.createDirectories(secrets.getParent());
        String auditKey = dev.vigile.security.KeyEncryption.generate();
        Files.writeString(
                secrets,
                "VIGILE_AUDIT_KEY=" + auditKey + "\nVIGILE_KEY_ENCRYPTION_KEY="
                        + dev.vigile.security.KeyEncryption.generate() + "\n");
        Dataset d =
                new Dataset(scale, url, dbUser, java.util.Base64.getDecoder().decode(auditKey));
        System.err.printf(
                "loading %s at scale %s: %,d users, %,d sessions, %,d audit events, %,d notifications%n",
                name, scale, d.users, d.sessions, d.auditEvents, d.personal + d.sharedReads);

        // Secondary indexes (not those of constraints) go for the load and come back from their definitions.
        List<String> indexes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, dbUser, "");
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery("select indexname, indexdef from pg_indexes i where schemaname = 'public'"
                            + " and tablename in ('audit_events', 'sessions', 'refresh_tokens', 'device_tokens', 'users',"
                            + " 'notifications', 'notification_messages', 'notification_shared_reads', 'user_roles')"
                            + " and not exists (select 1 from pg_constraint k where k.conname = i.indexname)")) {
                while (rs.next()) {
                    indexes.add(rs.getString(2));
                }
            }
            for (String def : indexes) {
                s.execute("drop index " + def.replaceFirst("^CREATE (UNIQUE )?INDEX (\\S+) .*$", "$2"));
            }
        }
        String hash = new dev.vigile.security.Argon2Phc(19456, 2, 1, 16, 32, 1).encode(PASSWORD);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<?> audit = pool.submit(() -> {
            d.loadAudit();
            return null;
        });
        Future<?> identity = pool.submit(() -> {
            d.loadIdentity(hash);
            d.loadThrottle();
            return null;
        });
        identity.get();
        audit.get();
        pool.shutdown();
        double loaded = (System.nanoTime() - t0) / 1e9;
        try (Connection c = DriverManager.getConnection(url, dbUser, "");
                Statement s = c.createStatement()) {
            s.execute("update user_count set users = (select count(*) from users)");
            s.execute("set maintenance_work_mem = '1GB'");
            s.execute("set max_parallel_maintenance_workers = 2");
            for (String def : indexes) {
                s.execute(def);
            }
            s.execute("vacuum (analyze)");
            s.execute("checkpoint");
        }
        double total = (System.nanoTime() - t0) / 1e9;
        try (Connection c = DriverManager.getConnection(url, dbUser, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select pg_database_size(current_database())")) {
            rs.next();
            System.out.printf(
                    "| %s | %s | %,d | %,d | %,d | %,d | %.0f s | %.0f s | %.1f GB |%n",
                    name,
                    scale,
                    d.users,
                    d.sessions,
                    d.auditEvents,
                    d.personal + d.sharedReads,
                    loaded,
                    total,
                    rs.getLong(1) / 1e9);
        }
        System.err.println("secrets to start Vigile on it: " + secrets + "; every user's password: " + PASSWORD);
    }
}
