package dev.vigile.identity.sessions.control;

import dev.vigile.identity.accounts.control.RoleRepository;

import dev.vigile.identity.sessions.control.TokenRevocation.SessionsRevoked;
import dev.vigile.identity.sessions.control.TokenRevocation.UserTokensCutOff;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The token cut-off: revoking sessions and bumping users' token generation, inside the changing
 * transaction, then telling the revocation caches (here, and through them every member).
 * {@link SessionService} keeps the sessions' life; this class only ends sessions and tokens.
 */
@ApplicationScoped
@Transactional
public class CutOffs {
  @PersistenceContext EntityManager em;
  @Inject Clock clock;
  @Inject Event<SessionsRevoked> sessionsRevoked;
  @Inject Event<UserTokensCutOff> tokensCutOff;

  /** Revokes every session of the user and cuts off every access token issued until now. */
  public void revokeAll(UUID userId, String reason) {
    revokeAllBut(userId, null, reason);
  }

  /**
   * Revokes every session of the user but {@code kept} (which may be null), and cuts off every
   * access token issued until now, the caller's included: the kept session's next refresh gives
   * a fresh one.
   */
  public void revokeAllBut(UUID userId, UUID kept, String reason) {
    Instant now = clock.instant();
    // The user's row first: this waits for a login holding it to commit its session, so the
    // statement below sees that session and ends it; a login that comes later finds the epoch
    // moved and fails (AuthService).
    em.createNativeQuery(
            "update users set token_generation = token_generation + 1,"
                + " credential_epoch = credential_epoch + 1 where id = ?1")
        .setParameter(1, userId)
        .executeUpdate();
    @SuppressWarnings("unchecked")
    List<Object> ids =
        em.createNativeQuery(
                "update sessions set revoked_at = ?1, revoked_reason = ?2"
                    + " where user_id = ?3 and revoked_at is null and id <> ?4 returning id")
            .setParameter(1, now)
            .setParameter(2, reason)
            .setParameter(3, userId)
            .setParameter(4, kept == null ? new UUID(0, 0) : kept)
            .getResultList();
    voidIssuedTrust(userId, now);
    if (!ids.isEmpty()) {
      sessionsRevoked.fire(new SessionsRevoked(ids.stream().map(UUID.class::cast).toList()));
    }
    tokensCutOff.fire(new UserTokensCutOff(userId));
  }

  /**
   * Everything else a credential event voids (docs/security.md, "Revocation matrix"): the links
   * mailed until now (reset, verification, email change), the devices trusted until now, the
   * sign-ins waiting for their second factor, and an enrollment not yet confirmed. Runs after the
   * user's row was updated, so that a concurrent issuer, which locks that row first, either
   * committed before (and its row is voided here) or sees the new epoch.
   */
  private void voidIssuedTrust(UUID userId, Instant now) {
    em.createNativeQuery("update email_tokens set used_at = ?1 where user_id = ?2 and used_at is null")
        .setParameter(1, now)
        .setParameter(2, userId)
        .executeUpdate();
    em.createNativeQuery("delete from device_tokens where user_id = ?1").setParameter(1, userId).executeUpdate();
    em.createNativeQuery("delete from mfa_challenges where user_id = ?1").setParameter(1, userId).executeUpdate();
    em.createNativeQuery("delete from mfa_totp where user_id = ?1 and confirmed_at is null")
        .setParameter(1, userId)
        .executeUpdate();
  }

  /**
   * Cuts off the access tokens the users hold now; their sessions survive, so their next refresh
   * returns a token that reflects their current roles.
   */
  public void cutOff(List<UUID> userIds) {
    if (userIds.isEmpty()) {
      return;
    }
    em.createNativeQuery("update users set token_generation = token_generation + 1 where id in (?1)")
        .setParameter(1, userIds)
        .executeUpdate();
    tokensCutOff.fire(new UserTokensCutOff(userIds));
  }

  /** Tells the revocation caches that a deleted user's tokens are dead. */
  public void forgetUser(UUID userId) {
    tokensCutOff.fire(new UserTokensCutOff(userId));
  }

  /**
   * Cuts off the access tokens of every holder of the role (its permissions changed). Call with
   * the role's row locked ({@code RoleRepository#lockForChange}), so that no assignment of the
   * role commits unseen between this statement and the change's commit.
   */
  public void cutOffRole(String roleName) {
    @SuppressWarnings("unchecked")
    List<Object> ids =
        em.createNativeQuery(
                "update users u set token_generation = u.token_generation + 1"
                    + " from user_roles r where r.user_id = u.id and r.role_name = ?1 returning u.id")
            .setParameter(1, roleName)
            .getResultList();
    if (!ids.isEmpty()) {
      tokensCutOff.fire(new UserTokensCutOff(ids.stream().map(UUID.class::cast).toList()));
    }
  }

  void revoke(List<UUID> ids, Instant now, String reason) {
    if (ids.isEmpty()) {
      return;
    }
    em.createNativeQuery(
            "update sessions set revoked_at = ?1, revoked_reason = ?2"
                + " where id in (?3) and revoked_at is null")
        .setParameter(1, now)
        .setParameter(2, reason)
        .setParameter(3, ids)
        .executeUpdate();
    sessionsRevoked.fire(new SessionsRevoked(ids));
  }

}
