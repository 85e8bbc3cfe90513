package dev.vigile.identity.credentials.control;

import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.control.Privileges;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.UserService;
import dev.vigile.identity.sessions.control.SessionService;
import dev.vigile.security.OpaqueTokens;
import dev.vigile.security.OpaqueTokens;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemTypes;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.MfaChanged;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.KeyEncryption;
import dev.vigile.security.LoginThrottle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * TOTP multi-factor authentication (OWASP Multifactor Authentication Cheat Sheet, ASVS 5.0 V6):
 * enrollment confirmed by a first code, ten single-use recovery codes stored as hashes, codes
 * accepted once each (the last accepted time step is kept), wrong codes throttled per user, every
 * change audited, notified and mailed. The secret is sealed under the key-encryption key, bound
 * to its user.
 */
@ApplicationScoped
public class MfaService {
  static final int RECOVERY_CODES = 10;

  /** Wrong codes that void the token they were tried with (a sign-in's MFA token, a reset link). */
  public static final int WRONG_CODES_ALLOWED = 5;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789".toCharArray();

  @Inject UserService users;
  @Inject Reauthentication reauthentication;
  @Inject LoginThrottle throttle;
  @Inject Totp totp;
  @Inject Steps steps;
  @Inject AuditLog audit;
  @Inject VigileMetrics metrics;

  /** What an enrollment shows once: the secret, its URI and the URI's QR code. */
  public record Enrollment(String secret, String otpauthUri, String qrCodeSvg) {}

  /** {@code POST /api/users/me/mfa/totp}: a new pending secret; nothing enforced until confirmed. */
  public Enrollment enroll(CurrentCaller caller, String currentPassword, ClientInfo client) {
    User user = users.get(caller.userId());
    reauthentication.require(user, currentPassword, client, AuditActions.USER_MFA_ENABLED);
    String secret = totp.newSecret();
    steps.begin(user.id(), user.credentialEpoch(), secret);
    String uri = totp.uri(user.email(), secret);
    return new Enrollment(secret, uri, Totp.qrSvg(uri));
  }

  /** {@code POST /api/users/me/mfa/totp/confirm}: turns TOTP on; the recovery codes, shown once. */
  public List<String> confirm(CurrentCaller caller, String code, ClientInfo client) {
    waitForAttempt(caller.userId());
    List<String> codes = newRecoveryCodes();
    if (!steps.confirm(caller, code, codes, client)) {
      wrongCode(caller.userId(), caller.email(), AuditActions.USER_MFA_ENABLED);
    }
    throttle.mfaSucceeded(caller.userId());
    return codes;
  }

  /** {@code POST /api/users/me/mfa/recovery-codes}: a fresh set; the old one is void. */
  public List<String> renewRecoveryCodes(CurrentCaller caller, String code, ClientInfo client) {
    waitForAttempt(caller.userId());
    List<String> codes = newRecoveryCodes();
    if (!steps.renew(caller, code, codes, client)) {
      wrongCode(caller.userId(), caller.email(), AuditActions.USER_MFA_RECOVERY_CODES);
    }
    throttle.mfaSucceeded(caller.userId());
    return codes;
  }

  /** {@code DELETE /api/users/me/mfa}: the password and a current code turn MFA off. */
  public void disable(CurrentCaller caller, String currentPassword, String code, ClientInfo client) {
    User user = users.get(caller.userId());
    reauthentication.require(user, currentPassword, client, AuditActions.USER_MFA_DISABLED);
    waitForAttempt(caller.userId());
    if (!steps.disable(caller, code, client)) {
      wrongCode(caller.userId(), caller.email(), AuditActions.USER_MFA_DISABLED);
    }
    throttle.mfaSucceeded(caller.userId());
  }

  /** {@code DELETE /api/admin/users/{id}/mfa}: only over a user holding no permission the caller lacks. */
  public void reset(CurrentCaller caller, UUID userId) {
    steps.reset(caller, userId);
  }

  /**
   * A password reset by mail to an address its account left unverified past the verification
   * window: whoever set the account's factors never proved that address, and the reset proves
   * it, so those factors go. A squatter who registered someone's address and turned on TOTP cannot
   * keep its owner out (docs/security.md, "An address never verified"). In the reset's
   * transaction, the user's row locked.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void dropUnprovenFactors(User user, String acceptLanguage) {
    steps.dropUnproven(user, acceptLanguage);
  }

  /**
   * Checks a second factor of the user in the caller's transaction and uses it up: a TOTP code
   * (each accepted once) or a recovery code (each usable once). Throttling is the caller's.
   *
   * @return how it was proven ({@code totp}, {@code recovery_code}), or empty when wrong
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<String> useFactor(UUID userId, String code, String recoveryCode) {
    return steps.useFactor(userId, code, recoveryCode);
  }

  /** 429 while the user's wrong codes are throttled. */
  public void waitForAttempt(UUID userId) {
    long wait = throttle.mfaAttempt(userId);
    if (wait > 0) {
      metrics.throttled();
      throw ApplicationException.tooManyRequests(wait);
    }
  }

  public void succeeded(UUID userId) {
    throttle.mfaSucceeded(userId);
  }

  private void wrongCode(UUID userId, String email, String action) {
    audit.recordAlone(
        AuditEntry.failure(action).actor(userId, email).target("user", userId).detail("reason", "wrong code"));
    throw ApplicationException.invalid("code", "is not a valid code");
  }

  static List<String> newRecoveryCodes() {
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < RECOVERY_CODES; i++) {
      StringBuilder code = new StringBuilder();
      for (int j = 0; j < 12; j++) {
        if (j == 6) {
          code.append('-');
        }
        code.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
      }
      codes.add(code.toString());
    }
    return codes;
  }

  /** A recovery code as typed: case, spaces and dashes do not matter. */
  static String recoveryHash(String code) {
    String normalized = code.strip().toLowerCase(Locale.ROOT).replace("-", "").replace(" ", "");
    return OpaqueTokens.hash(normalized);
  }

  /** The transactional steps, behind a CDI proxy. */
  @ApplicationScoped
  @Transactional
  public static class Steps {
    @PersistenceContext EntityManager em;
    @Inject UserRepository users;
    @Inject Totp totp;
    @Inject Clock clock;
    @Inject AuditLog audit;
    @Inject AccountMail mail;
    @Inject Privileges privileges;
    @Inject SessionService sessions;
    @Inject Event<MfaChanged> changed;

    @Inject
    @ConfigProperty(name = "vigile.key-encryption-key")
    Optional<String> kek;

    @Inject
    @ConfigProperty(name = "vigile.key-encryption-key-previous")
    Optional<String> previousKek;

    private volatile KeyEncryption encryption;

    private KeyEncryption encryption() {
      if (encryption == null) {
        try {
          encryption = KeyEncryption.of(kek, previousKek);
        } catch (IllegalStateException e) {
          throw ApplicationException.unavailable(
              "Multi-factor authentication needs VIGILE_KEY_ENCRYPTION_KEY, which is not set.", 3600);
        }
      }
      return encryption;
    }

    private static String kid(UUID userId) {
      return "totp:" + userId;
    }

    private User locked(UUID userId) {
      if (!users.lockRow(userId)) {
        throw ApplicationException.notFound("No such user.");
      }
      return users.findById(userId).orElseThrow(() -> ApplicationException.notFound("No such user."));
    }

    /** Starts the enrollment if no credential event happened since the password was checked. */
    void begin(UUID userId, long checkedEpoch, String secret) {
      if (!users.lockCredential(userId, checkedEpoch)) {
        throw Recovery.credentialsChanged();
      }
      User user = users.findById(userId).orElseThrow(() -> ApplicationException.notFound("No such user."));
      if (user.mfaEnabled()) {
        throw ApplicationException.conflict("Two-step verification is already on; turn it off first to enroll again.");
      }
      em.createNativeQuery(
              "insert into mfa_totp (user_id, secret, created_at) values (?1, ?2, ?3)"
                  + " on conflict (user_id) do update set secret = excluded.secret, created_at = excluded.created_at,"
                  + " confirmed_at = null, last_step = 0")
          .setParameter(1, userId)
          .setParameter(2, encryption().seal(kid(userId), secret))
          .setParameter(3, clock.instant())
          .executeUpdate();
    }

    /** The sealed secret and whether it is confirmed, or null. */
    private Object[] factor(UUID userId) {
      @SuppressWarnings("unchecked")
      List<Object[]> rows =
          em.createNativeQuery("select secret, confirmed_at is not null from mfa_totp where user_id = ?1")
              .setParameter(1, userId)
              .getResultList();
      return rows.isEmpty() ? null : rows.get(0);
    }

    /** Accepts a TOTP code once: the step must be later than the last accepted. */
    private boolean useTotp(UUID userId, String sealed, String code) {
      String secret = encryption().open(kid(userId), sealed);
      OptionalLong step = totp.matchingStep(secret, code == null ? null : code.strip().replace(" ", ""), clock.instant());
      if (step.isEmpty()) {
        return false;
      }
      return em.createNativeQuery("update mfa_totp set last_step = ?1 where user_id = ?2 and last_step < ?1")
              .setParameter(1, step.getAsLong())
              .setParameter(2, userId)
              .executeUpdate()
          == 1;
    }

    boolean confirm(CurrentCaller caller, String code, List<String> recoveryCodes, ClientInfo client) {
      User user = locked(caller.userId());
      Object[] factor = factor(user.id());
      if (user.mfaEnabled()) {
        throw ApplicationException.conflict("Two-step verification is already on.");
      }
      if (factor == null) {
        throw ApplicationException.conflict("No enrollment is in progress: start one first.");
      }
      if (!useTotp(user.id(), (String) factor[0], code)) {
        return false;
      }
      Instant now = clock.instant();
      em.createNativeQuery("update mfa_totp set confirmed_at = ?1 where user_id = ?2")
          .setParameter(1, now)
          .setParameter(2, user.id())
          .executeUpdate();
      storeRecoveryCodes(user.id(), recoveryCodes);
      user.setMfaEnabled(true, now);
      // This session just proved the factor: its tokens carry it from the next refresh on.
      if (caller.sessionId() != null) {
        sessions.markMfa(caller.sessionId());
      }
      changed.fire(new MfaChanged(user.id(), "enabled"));
      mail.notice(user, "mfa-enabled", client.acceptLanguage(), Map.of());
      audit.record(AuditEntry.success(AuditActions.USER_MFA_ENABLED).actor(user.id(), user.email()).target("user", user.id()));
      return true;
    }

    boolean renew(CurrentCaller caller, String code, List<String> recoveryCodes, ClientInfo client) {
      User user = locked(caller.userId());
      Object[] factor = requireEnabled(user);
      if (!useTotp(user.id(), (String) factor[0], code)) {
        return false;
      }
      storeRecoveryCodes(user.id(), recoveryCodes);
      changed.fire(new MfaChanged(user.id(), "recovery_codes"));
      mail.notice(user, "mfa-recovery-codes", client.acceptLanguage(), Map.of());
      audit.record(
          AuditEntry.success(AuditActions.USER_MFA_RECOVERY_CODES).actor(user.id(), user.email()).target("user", user.id()));
      return true;
    }

    boolean disable(CurrentCaller caller, String code, ClientInfo client) {
      User user = locked(caller.userId());
      Object[] factor = requireEnabled(user);
      if (!useTotp(user.id(), (String) factor[0], code)) {
        return false;
      }
      turnOff(user, "disabled", client.acceptLanguage(), "by you");
      audit.record(AuditEntry.success(AuditActions.USER_MFA_DISABLED).actor(user.id(), user.email()).target("user", user.id()));
      return true;
    }

    void reset(CurrentCaller caller, UUID userId) {
      User user = locked(userId);
      privileges.requireOver(caller.userId(), user, "reset this user's two-step verification");
      if (!user.mfaEnabled() && factor(userId) == null) {
        throw ApplicationException.conflict("This user has no second factor.");
      }
      turnOff(user, "reset", null, "by an administrator");
      audit.record(
          AuditEntry.success(AuditActions.USER_MFA_DISABLED)
              .actor(caller.userId(), caller.email())
              .target("user", userId)
              .detail("by", "admin"));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    void dropUnproven(User user, String acceptLanguage) {
      if (!user.mfaEnabled() && factor(user.id()) == null) {
        return;
      }
      turnOff(user, "reset", acceptLanguage, "by a password reset that proved your address");
      audit.record(
          AuditEntry.success(AuditActions.USER_MFA_DISABLED)
              .actor(user.id(), user.email())
              .target("user", user.id())
              .detail("by", "password-reset")
              .detail("reason", "address never verified"));
    }

    private Object[] requireEnabled(User user) {
      Object[] factor = factor(user.id());
      if (!user.mfaEnabled() || factor == null || !(Boolean) factor[1]) {
        throw ApplicationException.conflict("Two-step verification is not on.");
      }
      return factor;
    }

    private void turnOff(User user, String change, String acceptLanguage, String by) {
      em.createNativeQuery("delete from mfa_totp where user_id = ?1").setParameter(1, user.id()).executeUpdate();
      em.createNativeQuery("delete from mfa_recovery_codes where user_id = ?1").setParameter(1, user.id()).executeUpdate();
      em.createNativeQuery("delete from mfa_challenges where user_id = ?1").setParameter(1, user.id()).executeUpdate();
      boolean wasOn = user.mfaEnabled();
      user.setMfaEnabled(false, clock.instant());
      if (wasOn) {
        changed.fire(new MfaChanged(user.id(), change));
        mail.notice(user, "mfa-disabled", acceptLanguage, Map.of("by", by));
      }
    }

    private void storeRecoveryCodes(UUID userId, List<String> codes) {
      em.createNativeQuery("delete from mfa_recovery_codes where user_id = ?1").setParameter(1, userId).executeUpdate();
      for (String code : codes) {
        em.createNativeQuery("insert into mfa_recovery_codes (user_id, code_hash) values (?1, ?2)")
            .setParameter(1, userId)
            .setParameter(2, recoveryHash(code))
            .executeUpdate();
      }
    }

    @Transactional(Transactional.TxType.MANDATORY)
    Optional<String> useFactor(UUID userId, String code, String recoveryCode) {
      if (recoveryCode != null) {
        if (recoveryCode.length() > 64) {
          return Optional.empty();
        }
        int used =
            em.createNativeQuery(
                    "update mfa_recovery_codes set used_at = ?1 where user_id = ?2 and code_hash = ?3 and used_at is null")
                .setParameter(1, clock.instant())
                .setParameter(2, userId)
                .setParameter(3, recoveryHash(recoveryCode))
                .executeUpdate();
        return used == 1 ? Optional.of("recovery_code") : Optional.empty();
      }
      Object[] factor = factor(userId);
      if (factor == null || !(Boolean) factor[1]) {
        return Optional.empty();
      }
      return useTotp(userId, (String) factor[0], code) ? Optional.of("totp") : Optional.empty();
    }
  }
}
