import dev.vigile.it.Api;
import dev.vigile.it.BenchServer;
import dev.vigile.it.TestMail;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** See run.sh. */
public class Churn {
    static final List<String> TABLES = List.of(
            "sessions",
            "refresh_tokens",
            "device_tokens",
            "email_tokens",
            "mail_outbox",
            "mfa_challenges",
            "passkey_challenges",
            "throttle_buckets",
            "notifications",
            "notification_messages",
            "notification_shared",
            "notification_shared_reads",
            "notification_read_marks",
            "audit_events");

    static BenchServer server;
    static final Random RANDOM = new Random(37);

    record Person(String email, String password, String[] device) {}

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        int smtp = TestMail.start();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("VIGILE_MAIL_SMTP_HOST", "127.0.0.1");
        settings.put("VIGILE_MAIL_SMTP_PORT", String.valueOf(smtp));
        settings.put("VIGILE_MAIL_SMTP_SECURITY", "none");
        settings.put("VIGILE_SWEEP_INTERVAL", "PT10S");
        settings.put("VIGILE_REFRESH_ABSOLUTE_TTL", "PT4M");
        settings.put("VIGILE_REFRESH_IDLE_TTL", "PT2M");
        settings.put("VIGILE_SESSION_RETENTION", "PT1M");
        settings.put("VIGILE_LOGIN_DEVICE_TTL", "PT4M");
        settings.put("VIGILE_PASSWORD_RESET_TTL", "PT2M");
        settings.put("VIGILE_LINK_RETENTION", "PT1M");
        settings.put("VIGILE_MAIL_RETENTION", "PT1M");
        settings.put("VIGILE_NOTIFICATION_RETENTION", "PT1M");
        settings.put("VIGILE_NOTIFICATION_MAX_AGE", "PT4M");
        // Audit events older than two minutes are archived (under target/) and removed, every two
        // minutes: the audit log is bounded too.
        settings.put("VIGILE_AUDIT_RETENTION", "PT2M");
        settings.put(
                "VIGILE_AUDIT_ARCHIVE_DIR",
                java.nio.file.Path.of(
                                "target",
                                "churn-audit-archive-" + ProcessHandle.current().pid())
                        .toAbsolutePath()
                        .toString());
        settings.put("VIGILE_LOGIN_THROTTLE_ADDRESS", "1000000/PT1M");
        settings.put("VIGILE_PASSWORD_RESET_THROTTLE_EMAIL", "100000/PT1M");
        settings.put("VIGILE_PASSWORD_RESET_THROTTLE_ADDRESS", "1000000/PT1M");
        settings.put("VIGILE_PASSKEY_OPTIONS_THROTTLE_ADDRESS", "1000000/PT1M");
        try (BenchServer s = BenchServer.start("churn", settings, "-Xmx768m")) {
            server = s;
            String admin = s.login();
            List<Person> people = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String email = "churn" + i + "@bench.test";
                String password = "a churning passphrase " + i;
                send(
                        "/api/users",
                        "{\"email\":\"" + email + "\",\"password\":\"" + password + "\",\"roles\":[]}",
                        admin);
                people.add(new Person(email, password, new String[1]));
            }
            List<String> refreshTokens = new ArrayList<>();
            List<String> accessTokens = new ArrayList<>();
            long start = System.nanoTime();
            long nextSample = 0;
            long ops = 0;
            System.out.printf(
                    "| minute | %s | size without audit_events (MB) | audit_events (MB) |%n",
                    String.join(" | ", TABLES));
            System.out.printf("|%s%n", "---:|".repeat(TABLES.size() + 3));
            for (int tick = 0; tick < seconds; tick++) {
                long due = start + tick * 1_000_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (tick >= nextSample) {
                    sample(tick / 60);
                    nextSample += 60;
                }
                for (int i = 0; i < 4; i++) {
                    Person p = people.get(RANDOM.nextInt(people.size()));
                    String device = RANDOM.nextBoolean() ? p.device()[0] : null;
                    String body = "{\"email\":\"" + p.email() + "\",\"password\":\"" + p.password() + "\""
                            + (device == null ? "" : ",\"deviceToken\":\"" + device + "\"") + "}";
                    HttpResponse<String> r = send("/api/auth/login", body, null);
                    if (r.statusCode() == 200) {
                        var json = Api.JSON.readTree(r.body());
                        p.device()[0] = json.get("device_token").asText();
                        refreshTokens.add(json.get("refresh_token").asText());
                        accessTokens.add(json.get("access_token").asText());
                    }
                    ops++;
                }
                for (int i = 0; i < 4 && !refreshTokens.isEmpty(); i++) {
                    int k = RANDOM.nextInt(refreshTokens.size());
                    HttpResponse<String> r =
                            send("/api/auth/refresh", "{\"refreshToken\":\"" + refreshTokens.get(k) + "\"}", null);
                    if (r.statusCode() == 200) {
                        var json = Api.JSON.readTree(r.body());
                        refreshTokens.set(k, json.get("refresh_token").asText());
                        accessTokens.set(k, json.get("access_token").asText());
                    } else {
                        refreshTokens.remove(k);
                        accessTokens.remove(k);
                    }
                    ops++;
                }
                for (int i = 0; i < 2 && !refreshTokens.isEmpty(); i++) {
                    int k = RANDOM.nextInt(refreshTokens.size());
                    send("/api/auth/logout", "{\"refreshToken\":\"" + refreshTokens.remove(k) + "\"}", null);
                    accessTokens.remove(k);
                    ops++;
                }
                Person p = people.get(RANDOM.nextInt(people.size()));
                send("/api/auth/password-reset", "{\"email\":\"" + p.email() + "\"}", null);
                ops++;
                if (!accessTokens.isEmpty()) {
                    send("/api/notifications/read-all", "{}", accessTokens.get(RANDOM.nextInt(accessTokens.size())));
                    ops++;
                }
                if (tick % 5 == 0 && !accessTokens.isEmpty()) {
                    // A sign-out everywhere: a personal notification, and every session of that user ends.
                    send("/api/auth/logout-all", "{}", accessTokens.get(RANDOM.nextInt(accessTokens.size())));
                    ops++;
                }
                if (tick % 10 == 0) {
                    if (tick % 300 == 0) {
                        admin = s.login();
                    }
                    send(
                            "/api/admin/notifications",
                            "{\"audience\":{\"type\":\"all\"},\"title\":\"churn " + tick + "\",\"body\":\"b\"}",
                            admin);
                    ops++;
                }
            }
            sample(seconds / 60);
            System.out.printf(
                    "%n%d operations in %d s; %d live sessions held by the client at the end%n",
                    ops, seconds, refreshTokens.size());
        } finally {
            TestMail.close();
        }
    }

    static void sample(long minute) throws Exception {
        StringBuilder row = new StringBuilder("| " + minute + " |");
        long bytes = 0;
        long audit = 0;
        try (Connection c = server.db();
                Statement st = c.createStatement()) {
            // PostgreSQL reuses a deleted row's space once vacuumed. Where autovacuum is off (as on
            // the benchmark machines' PostgreSQL), the run vacuums each table every minute instead,
            // as autovacuum would; otherwise sizes grow by dead rows whatever the counts do.
            boolean autovacuum;
            try (ResultSet rs = st.executeQuery("show autovacuum")) {
                rs.next();
                autovacuum = rs.getString(1).equals("on");
            }
            if (!autovacuum) {
                for (String t : TABLES) {
                    st.execute("vacuum " + t);
                }
            }
            for (String t : TABLES) {
                try (ResultSet rs = st.executeQuery("select count(*), pg_total_relation_size('" + t + "') from " + t)) {
                    rs.next();
                    row.append(' ').append(rs.getLong(1)).append(" |");
                    if (t.equals("audit_events")) {
                        audit = rs.getLong(2);
                    } else {
                        bytes += rs.getLong(2);
                    }
                }
            }
        }
        row.append(String.format(" %.2f | %.2f |", bytes / 1e6, audit / 1e6));
        System.out.println(row);
    }

    static HttpResponse<String> send(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return BenchServer.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
