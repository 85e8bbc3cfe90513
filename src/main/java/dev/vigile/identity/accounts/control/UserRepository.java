package dev.vigile.identity.accounts.control;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Users in PostgreSQL. */
@ApplicationScoped
public class UserRepository {
    @PersistenceContext
    EntityManager em;

    public Optional<User> findByEmail(String normalizedEmail) {
        return em.createNamedQuery(User.FIND_BY_EMAIL, User.class)
                .setParameter("email", normalizedEmail)
                .getResultStream()
                .findFirst();
    }

    public Optional<User> findById(UUID id) {
        return em.createNamedQuery(User.FIND_BY_ID, User.class)
                .setParameter("id", id)
                .getResultStream()
                .findFirst();
    }

    /** The user's email, or null when the user no longer exists. */
    public String emailOf(UUID id) {
        return em.createQuery("select u.email from User u where u.id = :id", String.class)
                .setParameter("id", id)
                .getResultStream()
                .findFirst()
                .orElse(null);
    }

    /**
     * Inserts a user unless the email is taken, in one statement, so concurrent sign-ups with one
     * email give exactly one account and no constraint error.
     *
     * @return whether the row was inserted
     */
    public boolean insertIfAbsent(UUID id, String email, String displayName, String passwordHash, Instant now) {
        return em.createNativeQuery("insert into users (id, email, display_name, password_hash, enabled, created_at,"
                                + " updated_at, version) values (?1, ?2, ?3, ?4, true, ?5, ?5, 0)"
                                + " on conflict (email) do nothing")
                        .setParameter(1, id)
                        .setParameter(2, email)
                        .setParameter(3, displayName)
                        .setParameter(4, passwordHash)
                        .setParameter(5, now)
                        .executeUpdate()
                == 1;
    }

    public void addRole(UUID userId, String roleName) {
        em.createNativeQuery("insert into user_roles (user_id, role_name) values (?1, ?2) on conflict do nothing")
                .setParameter(1, userId)
                .setParameter(2, roleName)
                .executeUpdate();
    }

    /**
     * Replaces the password hash if it is still {@code expected}, so that two concurrent changes
     * cannot both succeed. The user's document changed ({@code updatedAt}): announced after commit,
     * as an entity's change is, so that no member serves the one it cached.
     */
    public boolean replacePasswordHash(UUID id, String expected, String newHash, Instant now) {
        boolean replaced =
                em.createQuery("update User u set u.passwordHash = :hash, u.updatedAt = :now, u.version = u.version + 1"
                                        + " where u.id = :id and u.passwordHash = :expected")
                                .setParameter("hash", newHash)
                                .setParameter("now", now)
                                .setParameter("id", id)
                                .setParameter("expected", expected)
                                .executeUpdate()
                        == 1;
        if (replaced) {
            UserChangeListener.changedInBulk(em, id);
        }
        return replaced;
    }

    /**
     * Locks the user's row until the transaction ends, so that a change to the user and the
     * logins, cut-offs and other changes of that user happen one after the other; call it before
     * reading the user in a changing transaction. Roles, when also locked, are locked first.
     *
     * @return false when no such user exists
     */
    public boolean lockRow(UUID id) {
        return !em.createNativeQuery("select 1 from users where id = ?1 for no key update")
                .setParameter(1, id)
                .getResultList()
                .isEmpty();
    }

    /**
     * Locks the user's row if the credential a login checked is still the one in force: the same
     * password hash, no session-ending change since (credential epoch) and the account enabled.
     *
     * @return false when the credential changed meanwhile (or the user is gone or disabled)
     */
    public boolean lockCredential(UUID id, String checkedHash, long checkedEpoch) {
        return !em.createNativeQuery(
                        "select 1 from users where id = ?1 and password_hash = ?2 and credential_epoch = ?3"
                                + " and enabled for no key update")
                .setParameter(1, id)
                .setParameter(2, checkedHash)
                .setParameter(3, checkedEpoch)
                .getResultList()
                .isEmpty();
    }

    /**
     * Locks the user's row if no session-ending change happened since the credential epoch a
     * challenge recorded (a password change, sign-out everywhere, disable) and the account is
     * enabled; a re-hash of the same password does not move the epoch.
     */
    public boolean lockCredential(UUID id, long checkedEpoch) {
        return !em.createNativeQuery(
                        "select 1 from users where id = ?1 and credential_epoch = ?2 and enabled for no key update")
                .setParameter(1, id)
                .setParameter(2, checkedEpoch)
                .getResultList()
                .isEmpty();
    }

    /** The user, read after locking their row (see {@link #lockRow}); 404 when there is none. */
    public User locked(UUID id) {
        if (!lockRow(id)) {
            throw ApplicationException.notFound("No such user.");
        }
        return findById(id).orElseThrow(() -> ApplicationException.notFound("No such user."));
    }

    /** Sets the password a reset chose, whatever the one before. */
    public void resetPassword(UUID id, String newHash, Instant now) {
        em.createNativeQuery(
                        "update users set password_hash = ?1, updated_at = ?2, version = version + 1 where id = ?3")
                .setParameter(1, newHash)
                .setParameter(2, now)
                .setParameter(3, id)
                .executeUpdate();
    }

    /**
     * A credential event: the user's credential epoch moves (sign-ins, links and challenges checked
     * under the old one fail) and, with {@code cutTokens}, every access token issued until now is
     * cut off. Locks the row.
     */
    public void moveCredentialEpoch(UUID id, boolean cutTokens) {
        em.createNativeQuery("update users set credential_epoch = credential_epoch + 1"
                        + (cutTokens ? ", token_generation = token_generation + 1" : "")
                        + " where id = ?1")
                .setParameter(1, id)
                .executeUpdate();
    }

    /** Cuts off the access tokens these users hold now; sessions and credentials stay. */
    public void moveTokenGeneration(List<UUID> ids) {
        em.createNativeQuery("update users set token_generation = token_generation + 1 where id in (?1)")
                .setParameter(1, ids)
                .executeUpdate();
    }

    /** The same for every holder of the role; returns them. */
    public List<UUID> moveTokenGenerationOfRole(String roleName) {
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("update users u set token_generation = u.token_generation + 1"
                        + " from user_roles r where r.user_id = u.id and r.role_name = ?1 returning u.id")
                .setParameter(1, roleName)
                .getResultList();
        return ids.stream().map(UUID.class::cast).toList();
    }

    /** Deletes the user; their sessions, refresh tokens and role links go with them. */
    public void delete(UUID id) {
        em.createNativeQuery("delete from users where id = ?1")
                .setParameter(1, id)
                .executeUpdate();
    }

    public boolean adminExists() {
        return !em.createQuery("select 1 from User u join u.roles r where r.name = :admin", Integer.class)
                .setParameter("admin", Role.ADMIN)
                .setMaxResults(1)
                .getResultList()
                .isEmpty();
    }

    /** Serialises a start-up step across cluster members, until the transaction ends. */
    public void lock(String name) {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, name)
                .getSingleResult();
    }
}
