package dev.vigile.identity.accounts.control;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.identity.accounts.entity.Permission;
import dev.vigile.identity.accounts.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Roles and permissions in PostgreSQL. */
@ApplicationScoped
public class RoleRepository {
    /** Role names, as the contract fixes them. */
    public static final Pattern NAME = Pattern.compile("^[A-Z][A-Z0-9_]{1,31}$");

    @PersistenceContext
    EntityManager em;

    public List<Role> all() {
        return em.createQuery("select r from Role r order by r.name", Role.class)
                .getResultList();
    }

    public Optional<Role> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(em.find(Role.class, name));
    }

    public List<Permission> permissions() {
        return em.createQuery("select p from Permission p order by p.name", Permission.class)
                .getResultList();
    }

    /** How many users hold each role; roles nobody holds are absent. */
    public Map<String, Long> userCounts() {
        Map<String, Long> counts = new HashMap<>();
        em.createQuery("select r.name, count(u) from User u join u.roles r group by r.name", Object[].class)
                .getResultList()
                .forEach(row -> counts.put((String) row[0], ((Number) row[1]).longValue()));
        return counts;
    }

    public long userCount(String role) {
        return em.createQuery("select count(u) from User u join u.roles r where r.name = :name", Long.class)
                .setParameter("name", role)
                .getSingleResult();
    }

    /**
     * The named roles; 400 naming {@code field} when a name is malformed or no such role exists.
     */
    public Set<Role> existing(String field, Collection<String> names) {
        Set<Role> roles = new HashSet<>();
        Set<String> unknown = new TreeSet<>();
        for (String name : names) {
            Optional<Role> role = name != null && NAME.matcher(name).matches() ? find(name) : Optional.empty();
            role.ifPresentOrElse(roles::add, () -> unknown.add(String.valueOf(name)));
        }
        if (!unknown.isEmpty()) {
            throw ApplicationException.invalid(field, "unknown roles " + unknown);
        }
        return roles;
    }

    /**
     * Locks the named roles against a change of their permissions until the transaction ends:
     * taken by whatever gives a user a role, before it locks the user.
     */
    public void lockForAssignment(Collection<String> names) {
        List<String> valid = names.stream()
                .filter(n -> n != null && NAME.matcher(n).matches())
                .sorted()
                .toList();
        if (!valid.isEmpty()) {
            em.createNativeQuery("select name from roles where name in (?1) order by name for share")
                    .setParameter(1, valid)
                    .getResultList();
        }
    }

    /**
     * Locks the role for a change of its permissions or its deletion: waits for assignments of it
     * in progress, and holds new ones back until the change commits.
     */
    public void lockForChange(String name) {
        em.createNativeQuery("select name from roles where name = ?1 for no key update")
                .setParameter(1, name)
                .getResultList();
    }

    /** The named permissions; 400 naming {@code field} when one does not exist. */
    public Set<Permission> existingPermissions(String field, Collection<String> names) {
        Map<String, Permission> all = new HashMap<>();
        permissions().forEach(p -> all.put(p.name(), p));
        Set<Permission> found = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : names) {
            Permission p = name == null ? null : all.get(name);
            if (p == null) {
                unknown.add(String.valueOf(name));
            } else {
                found.add(p);
            }
        }
        if (!unknown.isEmpty()) {
            throw ApplicationException.invalid(
                    List.of(new Problem.FieldError(field, "unknown permissions " + new TreeSet<>(unknown))));
        }
        return found;
    }

    /**
     * Inserts a custom role unless the name is taken, in one statement.
     *
     * @return whether it was inserted
     */
    public boolean insertIfAbsent(String name, String description, java.time.Instant now) {
        return em.createNativeQuery(
                                "insert into roles (name, description, system, created_at) values (?1, ?2, false, ?3)"
                                        + " on conflict (name) do nothing")
                        .setParameter(1, name)
                        .setParameter(2, description)
                        .setParameter(3, now)
                        .executeUpdate()
                == 1;
    }

    public void delete(String name) {
        em.createNativeQuery("delete from roles where name = ?1 and not system")
                .setParameter(1, name)
                .executeUpdate();
    }
}
