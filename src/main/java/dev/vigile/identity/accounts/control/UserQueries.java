package dev.vigile.identity.accounts.control;

import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Query;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The user list. One page of ids is found in the database (indexes on the sort columns, trigram
 * indexes for {@code q}), then those users are loaded with their roles: never the whole table.
 */
@ApplicationScoped
public class UserQueries {
    public static final PageRequest.Sorts SORTS = new PageRequest.Sorts(
            Map.of("createdAt", "created_at", "email", "email", "displayName", "display_name"), "createdAt", false);

    @PersistenceContext
    EntityManager em;

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

    public Page<User> page(Filter filter, PageRequest page) {
        StringBuilder where = new StringBuilder(" from users u where true");
        List<Object> params = new ArrayList<>();
        if (filter.q() != null) {
            String pattern = "%" + escapeLike(filter.q()) + "%";
            params.add(pattern);
            params.add(pattern);
            where.append(" and (u.email like ?1 escape '\\' or lower(u.display_name) like ?2 escape '\\')");
        }
        if (filter.role() != null) {
            params.add(filter.role());
            where.append(" and exists (select 1 from user_roles r where r.user_id = u.id and r.role_name = ?")
                    .append(params.size())
                    .append(")");
        }
        if (filter.enabled() != null) {
            params.add(filter.enabled());
            where.append(" and u.enabled = ?").append(params.size());
        }
        // Unfiltered, the total is the count kept at commit (V10__user_count.sql): one row read.
        Query count = params.isEmpty()
                ? em.createNativeQuery("select users from user_count")
                : em.createNativeQuery("select count(*)" + where);
        Query ids = em.createNativeQuery(
                "select u.id" + where + page.orderBy("u", "id") + " limit " + page.size() + " offset " + page.offset());
        for (int i = 0; i < params.size(); i++) {
            count.setParameter(i + 1, params.get(i));
            ids.setParameter(i + 1, params.get(i));
        }
        long total = ((Number) count.getSingleResult()).longValue();
        @SuppressWarnings("unchecked")
        List<UUID> pageIds = ids.getResultList();
        if (pageIds.isEmpty()) {
            return Page.of(List.of(), page, total);
        }
        Map<UUID, User> byId = new HashMap<>();
        int slots = slots(pageIds.size());
        TypedQuery<User> users = em.createQuery(usersById(slots), User.class);
        for (int i = 0; i < slots; i++) {
            users.setParameter("i" + i, pageIds.get(Math.min(i, pageIds.size() - 1)));
        }
        users.getResultList().forEach(u -> byId.put(u.id(), u));
        List<User> items = pageIds.stream()
                .map(byId::get)
                .filter(java.util.Objects::nonNull)
                .toList();
        return Page.of(items, page, total);
    }

    /**
     * The users of one page with their roles, by one parameter per id ({@code :i0} to {@code
     * :i<slots-1>}). Hibernate does not keep the plan of a query with a list-valued parameter
     * ({@code in :ids}) and translated it again on every page; with single parameters, as many as
     * {@link #slots} and the last id repeated to fill them, there are at most eight such query
     * strings and Hibernate keeps a plan for each.
     */
    static String usersById(int slots) {
        StringBuilder q = new StringBuilder(
                "select distinct u from User u left join fetch u.roles r left join fetch r.permissions where u.id in (");
        for (int i = 0; i < slots; i++) {
            q.append(i == 0 ? ":i" : ", :i").append(i);
        }
        return q.append(')').toString();
    }

    /** The smallest power of two at least {@code count} (at least 1). */
    static int slots(int count) {
        return count <= 1 ? 1 : Integer.highestOneBit(count - 1) << 1;
    }

    static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
