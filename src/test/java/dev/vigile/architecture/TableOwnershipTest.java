package dev.vigile.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One owner per table (issue 34): a table is named in SQL only by the component that owns it.
 * Another component asks the owner's façade, or reads a view the owner's migrations keep for it.
 * The tables come from the migrations, so a new table without an owner here fails, as does SQL
 * in one component naming another's table.
 */
class TableOwnershipTest {
    /** Each table and view, and the top-level package under {@code dev.vigile} that owns it. */
    static final Map<String, String> OWNERS = Map.ofEntries(
            Map.entry("users", "identity"),
            Map.entry("user_roles", "identity"),
            Map.entry("roles", "identity"),
            Map.entry("permissions", "identity"),
            Map.entry("role_permissions", "identity"),
            Map.entry("sessions", "identity"),
            Map.entry("refresh_tokens", "identity"),
            Map.entry("device_tokens", "identity"),
            Map.entry("email_tokens", "identity"),
            Map.entry("mfa_totp", "identity"),
            Map.entry("mfa_recovery_codes", "identity"),
            Map.entry("mfa_challenges", "identity"),
            Map.entry("passkeys", "identity"),
            Map.entry("passkey_handles", "identity"),
            Map.entry("passkey_challenges", "identity"),
            Map.entry("user_count", "identity"),
            Map.entry("identity_inbox_readers", "identity"),
            Map.entry("service_clients", "identity"),
            Map.entry("service_client_roles", "identity"),
            Map.entry("service_client_secrets", "identity"),
            Map.entry("ssf_streams", "signals"),
            Map.entry("ssf_excluded_subjects", "signals"),
            Map.entry("ssf_events", "signals"),
            Map.entry("notifications", "notifications"),
            Map.entry("notification_messages", "notifications"),
            Map.entry("notification_shared", "notifications"),
            Map.entry("notification_shared_reads", "notifications"),
            Map.entry("notification_shared_version", "notifications"),
            Map.entry("notification_read_marks", "notifications"),
            Map.entry("audit_events", "audit"),
            Map.entry("audit_chain_keyed", "audit"),
            Map.entry("audit_event_tally", "audit"),
            Map.entry("audit_checkpoints", "audit"),
            Map.entry("audit_verified", "audit"),
            Map.entry("audit_event_count", "audit"),
            Map.entry("mail_outbox", "mail"),
            Map.entry("signing_keys", "security"),
            Map.entry("throttle_buckets", "security"));

    /** Views an owner keeps for another component to read: view → the components that may. */
    static final Map<String, Set<String>> SHARED_VIEWS = Map.of("identity_inbox_readers", Set.of("notifications"));

    static final Pattern CREATED =
            Pattern.compile("create (?:table|view|materialized view) (?:if not exists )?([a-z_]+)");
    /** A Java string literal (no escaped quotes inside SQL here). */
    static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    static final Pattern NAMED = Pattern.compile("\\b(?:from|join|into|update|table)\\s+([a-z_]+)\\b");

    @Test
    void everyTableOfTheMigrationsHasAnOwner() throws Exception {
        Set<String> created = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).toList()) {
                Matcher m = CREATED.matcher(Files.readString(f).toLowerCase(java.util.Locale.ROOT));
                while (m.find()) {
                    created.add(m.group(1));
                }
            }
        }
        assertTrue(created.size() > 20, created.toString());
        Set<String> unowned = new TreeSet<>(created);
        unowned.removeAll(OWNERS.keySet());
        assertEquals(Set.of(), unowned, "tables without an owner in TableOwnershipTest.OWNERS");
    }

    @Test
    void sqlNamesOnlyTheTablesOfItsOwnComponent() throws Exception {
        List<String> violations = new ArrayList<>();
        Path root = Path.of("src/main/java/dev/vigile");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String component = root.relativize(f).getName(0).toString();
                Matcher literal = LITERAL.matcher(Files.readString(f));
                while (literal.find()) {
                    Matcher named = NAMED.matcher(literal.group(1).toLowerCase(java.util.Locale.ROOT));
                    while (named.find()) {
                        String table = named.group(1);
                        String owner = OWNERS.get(table);
                        boolean shared =
                                SHARED_VIEWS.getOrDefault(table, Set.of()).contains(component);
                        if (owner != null && !owner.equals(component) && !shared) {
                            violations.add(root.relativize(f) + " names " + owner + "'s table " + table);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    /** SQL that writes a table, and the JPQL entity names that stand for one. */
    static final Pattern WRITES =
            Pattern.compile("\\b(?:update|insert into|delete from)\\s+([a-z_]+|User|Role|Session)\\b");

    static final Map<String, String> ENTITY_TABLES = Map.of("User", "users", "Role", "roles", "Session", "sessions");

    /** The component a source file belongs to: identity's components, else the feature. */
    static String componentOf(Path relative) {
        String feature = relative.getName(0).toString();
        return feature.equals("identity") && relative.getNameCount() > 2
                ? feature + "/" + relative.getName(1)
                : feature;
    }

    /**
     * One writer per table (issue 34): each table is written by SQL of one component only, and
     * {@code users} by {@code UserRepository} alone, so that no native write bypasses what its
     * owner does on a write (the user cache's invalidation, the lock order of a credential event).
     * Writes through the entities go through Hibernate, whose listener sees them. Failed before the
     * re-cut: {@code users} was written by {@code UserRepository}, {@code CutOffs} and {@code
     * Recovery}, {@code mfa_challenges} by {@code AuthService}, {@code MfaService} and {@code CutOffs}.
     */
    @Test
    void everyTableIsWrittenByOneComponent() throws Exception {
        Map<String, Set<String>> writers = new java.util.TreeMap<>();
        Path root = Path.of("src/main/java/dev/vigile");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher literal = LITERAL.matcher(Files.readString(f));
                while (literal.find()) {
                    Matcher write = WRITES.matcher(literal.group(1));
                    while (write.find()) {
                        String table = ENTITY_TABLES.getOrDefault(
                                write.group(1), write.group(1).toLowerCase(java.util.Locale.ROOT));
                        if (OWNERS.containsKey(table)) {
                            writers.computeIfAbsent(table, t -> new TreeSet<>())
                                    .add(root.relativize(f).toString());
                        }
                    }
                }
            }
        }
        assertEquals("identity/accounts/control/UserRepository.java", String.join(",", writers.get("users")));
        List<String> shared = new ArrayList<>();
        writers.forEach((table, classes) -> {
            Set<String> components = new TreeSet<>();
            classes.forEach(c -> components.add(componentOf(Path.of(c))));
            if (components.size() > 1) {
                shared.add(table + " is written by " + classes);
            }
        });
        assertEquals(List.of(), shared);
    }

    @Test
    void theCheckSeesAForeignTable() {
        // The pattern finds a table in the SQL shapes the code uses.
        Matcher m = NAMED.matcher("select count(*) from users u join user_roles ur on ur.user_id = u.id");
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        assertEquals(List.of("users", "user_roles"), found);
    }
}
