package dev.vigile.identity.accounts.control;

import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.platform.persistence.NativeValues;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The user list. One page is found in the database (indexes on the sort columns, trigram indexes
 * for {@code q}) and read with its users' roles and permissions in the same statement: never the
 * whole table.
 */
@ApplicationScoped
public class UserQueries {
    public static final PageRequest.Sorts SORTS = new PageRequest.Sorts(
            Map.of("createdAt", "created_at", "email", "email", "displayName", "display_name"), "createdAt", false);

    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    /** The list filters: {@code q} (email or name contains), {@code role}, {@code enabled}. */
    public record Filter(String q, String role, Boolean enabled) {
        public static Filter parse(String q, String role, String enabled) {
            List<Problem.FieldError> errors = new ArrayList<>();
            String text = null;
            if (q != null && !q.isBlank()) {
                text = q.strip().toLowerCase(Locale.ROOT);
                if (text.length() > 100) {
                    errors.add(new Problem.FieldError("q", "must be at most 100 characters"));
                }
            }
            String r = null;
            if (role != null && !role.isBlank()) {
                r = role.strip();
                if (!RoleRepository.NAME.matcher(r).matches()) {
                    errors.add(new Problem.FieldError("role", "must be a role name such as ADMIN"));
                }
            }
            Boolean e = null;
            if (enabled != null && !enabled.isBlank()) {
                switch (enabled.strip()) {
                    case "true" -> e = true;
                    case "false" -> e = false;
                    default -> errors.add(new Problem.FieldError("enabled", "must be true or false"));
                }
            }
            if (!errors.isEmpty()) {
                throw ApplicationException.invalid(errors);
            }
            return new Filter(text, r, e);
        }
    }

    /**
     * What the list makes of each user, {@code UserResponse::new} at the boundary; the list's rows,
     * {@link #of} (the entity) and {@link UserSnapshot#as} are its sources (roles and permissions
     * sorted, as {@link User} gives them).
     */
    @FunctionalInterface
    public interface View<T> {
        T of(
                UUID id,
                String email,
                String displayName,
                List<String> roles,
                List<String> permissions,
                boolean enabled,
                boolean emailVerified,
                boolean mfaEnabled,
                int passkeyCount,
                String locale,
                Instant createdAt,
                Instant updatedAt,
                Instant lastLoginAt);
    }

    /** The entity as the list shows it. */
    public static <T> T of(User u, View<T> view) {
        return view.of(
                u.id(),
                u.email(),
                u.displayName(),
                List.copyOf(u.roleNames()),
                List.copyOf(u.permissionNames()),
                u.enabled(),
                u.emailVerified(),
                u.mfaEnabled(),
                u.passkeyCount(),
                u.locale(),
                u.createdAt(),
                u.updatedAt(),
                u.lastLoginAt());
    }

    /**
     * A page in one statement, then its total in a second on the same connection: the page's users
     * found through the sort column's index ({@code limit}/{@code offset} inside, written as numbers
     * so that PostgreSQL plans for the page's real size), each joined with its roles and those
     * roles' permissions. Reading the rows in that scan, rather than their ids first and then each
     * user again by primary key with Hibernate, saves a descent of {@code users_pkey} per row, a
     * round trip and the entities' hydration: on a million users the first page's rows read 354
     * buffers in two statements, now 223 in one (docs/performance.md, "Every hot path again, the
     * user list in one statement…").
     */
    public <T> Page<T> page(Filter filter, PageRequest page, View<T> view) {
        StringBuilder where = new StringBuilder(" from users u where true");
        List<Object> params = new ArrayList<>();
        if (filter.q() != null) {
            String pattern = "%" + escapeLike(filter.q()) + "%";
            params.add(pattern);
            params.add(pattern);
            where.append(" and (u.email like ? escape '\\' or lower(u.display_name) like ? escape '\\')");
        }
        if (filter.role() != null) {
            params.add(filter.role());
            where.append(" and exists (select 1 from user_roles r where r.user_id = u.id and r.role_name = ?)");
        }
        if (filter.enabled() != null) {
            params.add(filter.enabled());
            where.append(" and u.enabled = ?");
        }
        String orderBy = page.orderBy("u", "id");
        // The inner select names its columns too, so that no other (a password hash) is ever carried.
        String sql = "select " + COLUMNS + ", r.roles, p.permissions"
                + " from (select " + COLUMNS + where + orderBy + " limit " + page.size() + " offset " + page.offset()
                + ") u" + ROLES_AND_PERMISSIONS + orderBy;
        try (Connection c = dataSource.getConnection()) {
            List<T> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        items.add(row(rs, view));
                    }
                }
            }
            // Unfiltered, the total is the count kept at commit (V10__user_count.sql): one row read.
            String countSql = params.isEmpty() ? "select users from user_count" : "select count(*)" + where;
            long total;
            try (PreparedStatement ps = c.prepareStatement(countSql)) {
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    total = rs.next() ? rs.getLong(1) : 0;
                }
            }
            return Page.of(items, page, total);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read a page of users", e);
        }
    }

    /**
     * One user with roles and permissions, as a refresh hands it out, in one statement by primary
     * key on the transaction's connection; empty when the user is gone. Loading the entity instead
     * (its roles and their permissions fetched with it) cost a tenth of a refresh's Java time in
     * the suite's profile, and its hydration and flush-time dirty check more.
     */
    public Optional<UserSnapshot> snapshot(UUID id) {
        String sql = "select " + COLUMNS + ", r.roles, p.permissions, u.token_generation from users u"
                + ROLES_AND_PERMISSIONS + " where u.id = ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(row(rs, UserSnapshot.withGeneration(rs.getLong(14))));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read a user", e);
        }
    }

    /** What the list shows of a user, in {@link #row}'s order. */
    private static final String COLUMNS = "u.id, u.email, u.display_name, u.enabled, u.email_verified,"
            + " u.mfa_enabled, u.passkey_count, u.locale, u.created_at, u.updated_at, u.last_login_at";

    /** Joined to users {@code u}: its roles' names ({@code r.roles}) and their permissions ({@code p.permissions}). */
    private static final String ROLES_AND_PERMISSIONS =
            " left join lateral (select array_agg(ur.role_name) as roles from user_roles ur"
                    + " where ur.user_id = u.id) r on true"
                    + " left join lateral (select array_agg(distinct rp.permission_name) as permissions"
                    + " from role_permissions rp where rp.role_name = any(r.roles)) p on true";

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
    }

    private static <T> T row(ResultSet rs, View<T> view) throws SQLException {
        return view.of(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                sorted(rs.getArray(12)),
                sorted(rs.getArray(13)),
                rs.getBoolean(4),
                rs.getBoolean(5),
                rs.getBoolean(6),
                rs.getInt(7),
                rs.getString(8),
                instant(rs, 9),
                instant(rs, 10),
                instant(rs, 11));
    }

    /** An array of names in Java's order ({@code TreeSet}, as the entity sorts them), empty for null. */
    private static List<String> sorted(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return List.copyOf(new TreeSet<>(Arrays.asList((String[]) array.getArray())));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return NativeValues.instant(rs.getObject(column, OffsetDateTime.class));
    }

    static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
