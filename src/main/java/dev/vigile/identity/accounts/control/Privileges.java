package dev.vigile.identity.accounts.control;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Anti-escalation rules, read from the database in the changing transaction (not from the
 * caller's token, which may be minutes old): a caller never grants, removes or acts over a
 * permission it does not hold, and the last enabled admin is never removed.
 */
@ApplicationScoped
public class Privileges {
    @PersistenceContext
    EntityManager em;

    @jakarta.inject.Inject
    RoleRepository roles;

    /**
     * Every permission the caller holds now, through all of their roles: a user's, or a service
     * account's (whose id is never a user's).
     */
    public Set<String> permissionsOf(UUID userId) {
        @SuppressWarnings("unchecked")
        List<String> names = em.createNativeQuery("select rp.permission_name from user_roles ur"
                        + " join role_permissions rp on rp.role_name = ur.role_name where ur.user_id = ?1"
                        + " union select rp.permission_name from service_client_roles cr"
                        + " join role_permissions rp on rp.role_name = cr.role_name where cr.client_id = ?1")
                .setParameter(1, userId)
                .getResultList();
        return new TreeSet<>(names);
    }

    /**
     * The one rule for acting on another user (roles, edits, enable/disable, delete, sign-out):
     * 403 when the target holds a permission the caller lacks, read now from the database. Call it
     * with the target's row locked, after loading the target.
     */
    public void requireOver(UUID callerId, User target, String what) {
        requireAll(permissionsOf(callerId), target.permissionNames(), what);
    }

    /** 403 unless {@code held} contains every permission in {@code needed}. */
    public static void requireAll(Set<String> held, Collection<String> needed, String what) {
        Set<String> missing = new TreeSet<>(needed);
        missing.removeAll(held);
        if (!missing.isEmpty()) {
            throw ApplicationException.forbidden(
                    "You cannot " + what + ": it involves permissions you do not hold " + missing + ".");
        }
    }

    /** The existing roles of this request beyond {@code USER} (400 naming an unknown one). */
    public Set<Role> extraRoles(List<String> requested) {
        if (requested == null) {
            return Set.of();
        }
        Set<String> names = new TreeSet<>(requested);
        names.remove(Role.USER);
        return roles.existing("roles", names);
    }

    /** Every permission these roles grant. */
    public static Set<String> permissionsOf(Collection<Role> roles) {
        Set<String> names = new TreeSet<>();
        roles.forEach(r -> names.addAll(r.permissionNames()));
        return names;
    }

    /**
     * Holds, until the transaction ends, the lock that every change able to remove an admin takes,
     * so that two admins demoting each other at once cannot leave none.
     */
    public void lockAdmins() {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext('vigile.admins'))")
                .getSingleResult();
    }

    /** Whether no enabled admin other than this user exists. Call under {@link #lockAdmins}. */
    public boolean isLastAdmin(UUID userId) {
        return em.createNativeQuery("select 1 from users u join user_roles r on r.user_id = u.id"
                        + " where r.role_name = ?1 and u.enabled and u.id <> ?2 limit 1")
                .setParameter(1, Role.ADMIN)
                .setParameter(2, userId)
                .getResultList()
                .isEmpty();
    }

    /** 409 when the change would leave no enabled admin. */
    public void refuseIfLastAdmin(UUID userId, String change) {
        lockAdmins();
        if (isLastAdmin(userId)) {
            throw ApplicationException.conflict("This is the last enabled administrator; it cannot be " + change + ".");
        }
    }
}
