package dev.vigile.identity.credentials.control;

import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.UserService;
import dev.vigile.identity.sessions.control.CutOffs;
import dev.vigile.security.OpaqueTokens;
import dev.vigile.security.OpaqueTokens;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.problem.ProblemTypes;
import dev.vigile.common.text.Emails;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.EmailChanged;
import dev.vigile.identity.events.PasswordReset;
import dev.vigile.platform.observability.VigileMetrics;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.LoginThrottle;
import dev.vigile.security.PasswordHasher;
import dev.vigile.security.PasswordPolicy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Account recovery and address verification (OWASP Forgot Password Cheat Sheet, ASVS 5.0 V6):
 * password reset by a mailed single-use token that never bypasses MFA, verification of the
 * address at registration, and a change of address that takes effect only once the new address
 * proved it reads its mail.
 */
@ApplicationScoped
public class Recovery {
  private static final Logger LOG = Logger.getLogger(Recovery.class.getName());

  @Inject Steps steps;
  @Inject UserService users;
  @Inject UserRepository repository;
  @Inject LoginThrottle throttle;
  @Inject PasswordHasher hasher;
  @Inject MfaService mfa;
  @Inject Reauthentication reauthentication;
  @Inject AuditLog audit;
  @Inject VigileMetrics metrics;
  @Resource ManagedExecutorService executor;

  /**
   * {@code POST /api/auth/password-reset}: throttled per email and per address whatever the
   * account; the lookup, the token and the mail happen after the answer, so that an existing
   * account and an unknown email take the same time to answer.
   */
  public void requestReset(String rawEmail, ClientInfo client) {
    String email = Emails.forLookup("email", rawEmail);
    long wait = throttle.resetRequest(email, client.ip());
    if (wait > 0) {
      metrics.throttled();
      throw ApplicationException.tooManyRequests(wait);
    }
    executor.execute(() -> {
      try {
        steps.issueReset(email, client);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "A password reset could not be issued: " + e.getClass().getSimpleName(), e);
      }
    });
  }

  /** {@code POST /api/auth/password-reset/confirm}. */
  public void confirmReset(String token, String newPassword, String mfaCode, ClientInfo client) {
    Steps.Pending pending = steps.pendingReset(token).orElseThrow(Recovery::invalidToken);
    List<Problem.FieldError> errors = new ArrayList<>();
    PasswordPolicy.check("newPassword", newPassword, pending.email()).ifPresent(errors::add);
    if (!errors.isEmpty()) {
      throw ApplicationException.invalid(errors);
    }
    if (pending.mfa()) {
      if (mfaCode == null || mfaCode.isBlank()) {
        throw new ApplicationException(400, ProblemTypes.INVALID_MFA_CODE, "Second factor required",
            "This account uses two-step verification: give a code from the app or a recovery code as mfaCode.",
            List.of(new Problem.FieldError("mfaCode", "is required for this account")), null);
      }
      mfa.waitForAttempt(pending.userId());
    }
    String hash = hasher.hash(newPassword);
    if (!steps.reset(token, hash, mfaCode, client)) {
      audit.recordAlone(
          AuditEntry.failure(AuditActions.AUTH_PASSWORD_RESET)
              .actor(pending.userId(), pending.email())
              .target("user", pending.userId())
              .detail("reason", "wrong second factor"));
      throw new ApplicationException(400, ProblemTypes.INVALID_MFA_CODE, "Invalid second factor",
          "The code is wrong or was already used.", List.of(new Problem.FieldError("mfaCode", "is not a valid code")), null);
    }
    if (pending.mfa()) {
      mfa.succeeded(pending.userId());
    }
  }

  /** {@code POST /api/auth/verify-email}. */
  public void verifyEmail(String token) {
    steps.verify(token);
  }

  /** {@code POST /api/users/me/verify-email}: a new verification mail, throttled per user. */
  public void resendVerification(CurrentCaller caller, ClientInfo client) {
    long wait = throttle.verificationMail(caller.userId());
    if (wait > 0) {
      metrics.throttled();
      throw ApplicationException.tooManyRequests(wait);
    }
    steps.resend(caller.userId(), client);
  }

  /**
   * {@code PUT /api/users/me/email}: mails a token to the new address and a notice to the old; a
   * taken address is refused only when the token is used, so this answer tells nothing about it.
   */
  public void requestEmailChange(CurrentCaller caller, String rawEmail, String currentPassword, ClientInfo client) {
    String newEmail = Emails.normalize("newEmail", rawEmail);
    User user = users.get(caller.userId());
    reauthentication.require(user, currentPassword, client, AuditActions.USER_EMAIL_CHANGE_REQUESTED);
    if (newEmail.equals(user.email())) {
      throw ApplicationException.invalid("newEmail", "is already the account's address");
    }
    long mails = throttle.verificationMail(caller.userId());
    if (mails > 0) {
      metrics.throttled();
      throw ApplicationException.tooManyRequests(mails);
    }
    steps.requestChange(caller.userId(), user.credentialEpoch(), newEmail, client);
  }

  /** 409: the password was checked against credentials that a credential event replaced since. */
  static ApplicationException credentialsChanged() {
    return ApplicationException.conflict(
        "Your password or sessions changed while this request ran; sign in again and retry.");
  }

  static ApplicationException invalidToken() {
    return new ApplicationException(400, ProblemTypes.INVALID_TOKEN, "Invalid token",
        "The link is invalid, expired, already used, or replaced by a newer one.");
  }

  /** The transactional steps, behind a CDI proxy. */
  @ApplicationScoped
  @Transactional
  public static class Steps {
    @PersistenceContext EntityManager em;
    @Inject UserRepository users;
    @Inject EmailTokens tokens;
    @Inject AccountMail mail;
    @Inject AuditLog audit;
    @Inject Clock clock;
    @Inject MfaService mfa;
    @Inject Event<Object> events;

    @Inject
    @ConfigProperty(name = "vigile.password-reset.ttl", defaultValue = "PT30M")
    Duration resetTtl;

    @Inject
    @ConfigProperty(name = "vigile.verify-email.ttl", defaultValue = "PT24H")
    Duration verifyTtl;

    /** A live reset token's user, read without using it. */
    record Pending(UUID userId, String email, boolean mfa) {}

    void issueReset(String email, ClientInfo client) {
      User user = users.findByEmail(email).orElse(null);
      if (user == null) {
        audit.record(
            AuditEntry.failure(AuditActions.AUTH_PASSWORD_RESET_REQUESTED)
                .actor(null, email)
                .detail("reason", "unknown email"));
        return;
      }
      // Read again under the row's lock: a disable committing meanwhile is seen here, or waits
      // for this link and voids it (CutOffs).
      users.lockRow(user.id());
      em.refresh(user);
      if (!user.enabled()) {
        audit.record(
            AuditEntry.failure(AuditActions.AUTH_PASSWORD_RESET_REQUESTED)
                .actor(user.id(), user.email())
                .target("user", user.id())
                .detail("reason", "disabled"));
        return;
      }
      String token = tokens.issue(user.id(), EmailTokens.RESET, user.email(), resetTtl);
      mail.passwordReset(user, token, resetTtl, client.acceptLanguage());
      audit.record(
          AuditEntry.success(AuditActions.AUTH_PASSWORD_RESET_REQUESTED)
              .actor(user.id(), user.email())
              .target("user", user.id())
              .detail("enabled", user.enabled()));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    Optional<Pending> pendingReset(String token) {
      if (!OpaqueTokens.plausible(token)) {
        return Optional.empty();
      }
      @SuppressWarnings("unchecked")
      List<Object> owners = em.createNativeQuery(
              "select u.id from email_tokens t join users u on u.id = t.user_id"
                  + " where t.token_hash = ?1 and t.purpose = 'reset' and t.used_at is null and t.expires_at > ?2"
                  + " and t.email = u.email")
          .setParameter(1, OpaqueTokens.hash(token))
          .setParameter(2, clock.instant())
          .getResultList();
      return owners.stream().findFirst().flatMap(id -> users.findById((UUID) id))
          .map(u -> new Pending(u.id(), u.email(), factorRequired(u)));
    }

    /** Whether a reset of this account must be confirmed with a second factor. */
    private boolean factorRequired(User user) {
      return user.mfaEnabled() && !unprovenAddress(user);
    }

    /**
     * An address whose account never proved it, past the verification window, on an account
     * holding only {@code USER}: its factors are a possible squatter's (docs/security.md, "An
     * address never verified"). An account given any role beyond USER was vouched for by an
     * administrator, and keeps its factor whatever its mailbox says.
     */
    private boolean unprovenAddress(User user) {
      return !user.emailVerified() && !user.createdAt().isAfter(clock.instant().minus(verifyTtl))
          && user.roleNames().equals(Set.of(Role.USER));
    }

    /**
     * Uses the token and sets the password; a wrong second factor counts against the token and
     * commits that count.
     *
     * @return false when the second factor was wrong
     */
    boolean reset(String token, String newHash, String mfaCode, ClientInfo client) {
      // The token's user row is locked with it (EmailTokens#lockLive).
      EmailTokens.Live live = tokens.lockLive(token, EmailTokens.RESET).orElseThrow(Recovery::invalidToken);
      User user = users.findById(live.userId()).orElseThrow(Recovery::invalidToken);
      if (!user.email().equals(live.email()) || !user.enabled()) {
        // Sent to an address the account no longer has, or to a disabled account.
        throw invalidToken();
      }
      boolean unproven = unprovenAddress(user);
      if (user.mfaEnabled() && !unproven) {
        boolean recovery = mfaCode != null && !mfaCode.strip().matches("[0-9 ]+");
        Optional<String> method = mfa.useFactor(user.id(), recovery ? null : mfaCode, recovery ? mfaCode : null);
        if (method.isEmpty()) {
          tokens.failed(live);
          return false;
        }
      }
      var now = clock.instant();
      if (!user.emailVerified()) {
        // The mail came back from this address: it is the user's. Factors set on an account
        // that left the address unverified past the verification window are not (a squatter's).
        if (unproven) {
          mfa.dropUnprovenFactors(user, client.acceptLanguage());
        }
        user.markEmailVerified(now);
        em.flush();
      }
      em.createNativeQuery("update users set password_hash = ?1, updated_at = ?2, version = version + 1 where id = ?3")
          .setParameter(1, newHash)
          .setParameter(2, now)
          .setParameter(3, user.id())
          .executeUpdate();
      tokens.use(live);
      tokens.voidAll(user.id(), EmailTokens.RESET);
      events.fire(new PasswordReset(user.id()));
      mail.notice(user, "password-changed", client.acceptLanguage(), Map.of());
      audit.record(AuditEntry.success(AuditActions.AUTH_PASSWORD_RESET).actor(user.id(), user.email()).target("user", user.id()));
      return true;
    }

    void verify(String token) {
      EmailTokens.Live live =
          tokens.lockLive(token, EmailTokens.VERIFY, EmailTokens.EMAIL_CHANGE).orElseThrow(Recovery::invalidToken);
      User user = users.findById(live.userId()).orElseThrow(Recovery::invalidToken);
      var now = clock.instant();
      if (live.purpose().equals(EmailTokens.VERIFY)) {
        if (!user.email().equals(live.email())) {
          throw invalidToken();
        }
        tokens.use(live);
        if (!user.emailVerified()) {
          user.markEmailVerified(now);
          audit.record(
              AuditEntry.success(AuditActions.USER_EMAIL_VERIFIED).actor(user.id(), user.email()).target("user", user.id()));
        }
        return;
      }
      String oldEmail = user.email();
      // The notice to the old address is queued first: if the new one turns out taken, the
      // whole transaction, notice included, rolls back.
      mail.notice(user, "email-changed", null, Map.of("newEmail", live.email()));
      tokens.use(live);
      tokens.voidAll(user.id(), EmailTokens.VERIFY, EmailTokens.EMAIL_CHANGE, EmailTokens.RESET);
      user.changeEmail(live.email(), now);
      try {
        em.flush();
      } catch (PersistenceException e) {
        if (uniqueViolation(e)) {
          throw ApplicationException.conflict("An account with this email already exists.");
        }
        throw e;
      }
      events.fire(new EmailChanged(user.id(), live.email()));
      audit.record(
          AuditEntry.success(AuditActions.USER_EMAIL_CHANGED)
              .actor(user.id(), live.email())
              .target("user", user.id())
              .detail("from", oldEmail));
    }

    /** Whether the failure is PostgreSQL's unique violation (SQLSTATE 23505), the email taken. */
    private static boolean uniqueViolation(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
          return true;
        }
      }
      return false;
    }

    void resend(UUID userId, ClientInfo client) {
      if (!users.lockRow(userId)) {
        throw ApplicationException.notFound("No such user.");
      }
      User user = users.findById(userId).orElseThrow(() -> ApplicationException.notFound("No such user."));
      if (user.emailVerified()) {
        throw ApplicationException.conflict("This address is already verified.");
      }
      sendVerification(user, client.acceptLanguage());
    }

    /** A verification mail to the user's address, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void sendVerification(User user, String acceptLanguage) {
      String token = tokens.issue(user.id(), EmailTokens.VERIFY, user.email(), verifyTtl);
      mail.verification(user, token, verifyTtl, acceptLanguage);
    }

    /**
     * Issues the link if no credential event happened since the password was checked (the epoch
     * it was checked under): one that commits meanwhile would otherwise not void this link.
     */
    void requestChange(UUID userId, long checkedEpoch, String newEmail, ClientInfo client) {
      if (!users.lockCredential(userId, checkedEpoch)) {
        throw credentialsChanged();
      }
      User user = users.findById(userId).orElseThrow(() -> ApplicationException.notFound("No such user."));
      String token = tokens.issue(user.id(), EmailTokens.EMAIL_CHANGE, newEmail, verifyTtl);
      mail.emailChange(user, newEmail, token, verifyTtl, client.acceptLanguage());
      audit.record(
          AuditEntry.success(AuditActions.USER_EMAIL_CHANGE_REQUESTED)
              .actor(user.id(), user.email())
              .target("user", user.id())
              .detail("to", newEmail));
    }
  }
}
