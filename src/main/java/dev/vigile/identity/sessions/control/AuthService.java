package dev.vigile.identity.sessions.control;

import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.accounts.control.RoleRepository;
import dev.vigile.identity.accounts.control.AccountMail;
import dev.vigile.identity.accounts.control.UserService;
import dev.vigile.identity.credentials.control.MfaService;
import dev.vigile.identity.credentials.control.Recovery;
import dev.vigile.security.OpaqueTokens;
import dev.vigile.security.OpaqueTokens;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.identity.sessions.entity.Session;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemTypes;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.common.web.TextRules;
import dev.vigile.security.AccessTokenIssuer;
import dev.vigile.security.LoginThrottle;
import dev.vigile.security.PasswordHasher;
import dev.vigile.security.PasswordPolicy;
import dev.vigile.common.text.Emails;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Registration, login and token refresh. Passwords are hashed outside database transactions so a
 * slow hash never holds a connection.
 */
@ApplicationScoped
public class AuthService {
  @Inject UserRepository users;
  @Inject SessionService sessions;
  @Inject PasswordHasher hasher;
  @Inject LoginThrottle throttle;
  @Inject AccessTokenIssuer tokens;
  @Inject Clock clock;
  @Inject AuthTransactions tx;
  @Inject DeviceTokens devices;
  @Inject AuditLog audit;
  @Inject dev.vigile.platform.observability.VigileMetrics metrics;

  /** What a sign-in with the password gives: tokens, or the demand for a second factor. */
  public sealed interface SignIn permits Tokens, MfaRequired, VerificationRequired {}

  /** A registration while verified addresses are required: the account, and no session yet. */
  public record VerificationRequired(User user) implements SignIn {}

  /**
   * What the token endpoints return: both tokens and the user. {@code mfaEnrollmentRequired}:
   * the user's role requires MFA and this session has none, so the access token may only enroll.
   */
  public record Tokens(
      String accessToken, long expiresIn, String refreshToken, long refreshExpiresIn, User user, String deviceToken,
      UUID sessionId, boolean mfaEnrollmentRequired) implements SignIn {
    Tokens withDevice(String token) {
      return new Tokens(accessToken, expiresIn, refreshToken, refreshExpiresIn, user, token, sessionId, mfaEnrollmentRequired);
    }
  }

  /** The password was right and the user has MFA: the second step's token (single-use, short-lived). */
  public record MfaRequired(String mfaToken, long expiresIn) implements SignIn {}

  @Inject
  @ConfigProperty(name = "vigile.mfa.required-roles")
  Optional<String> mfaRequiredRoles;

  @Inject
  @ConfigProperty(name = "vigile.auth.require-verified-email", defaultValue = "false")
  boolean requireVerifiedEmail;

  @Inject MfaService mfa;

  private static ApplicationException invalidCredentials() {
    return ApplicationException.unauthorized(
        ProblemTypes.INVALID_CREDENTIALS, "Invalid credentials", "The email or password is wrong.");
  }

  private static ApplicationException invalidRefreshToken() {
    return ApplicationException.unauthorized(
        ProblemTypes.INVALID_REFRESH_TOKEN,
        "Invalid refresh token",
        "The refresh token is unknown, expired or revoked.");
  }

  public SignIn register(String rawEmail, String password, String displayName, ClientInfo client) {
    String email = Emails.normalize("email", rawEmail);
    List<Problem.FieldError> errors = new ArrayList<>();
    PasswordPolicy.check("password", password, email).ifPresent(errors::add);
    // The same rule as every other place a display name is set.
    String name = TextRules.check("displayName", displayName, UserService.DISPLAY_NAME_MAX, errors);
    if (!errors.isEmpty()) {
      throw ApplicationException.invalid(errors);
    }
    // An address that hit taken emails too often waits, whatever it registers now.
    long wait = throttle.registrationWait(client.ip());
    if (wait > 0) {
      metrics.throttled();
      throw ApplicationException.tooManyRequests(wait);
    }
    String hash = hasher.hash(password);
    try {
      return tx.register(email, hash, name, client, !requireVerifiedEmail);
    } catch (ApplicationException e) {
      if (e.status() == 409) {
        throttle.registrationConflict(client.ip());
      }
      throw e;
    }
  }

  /**
   * @param deviceToken a device token an earlier login handed out, or null: when it is a live one
   *     of this account, failures count for the device instead of the account
   */
  public SignIn login(String rawEmail, String password, String deviceToken, ClientInfo client) {
    // What cannot be an email is refused before it is throttled or audited: 400, not 401.
    String email = Emails.forLookup("email", rawEmail);
    DeviceTokens.Device device = deviceToken == null ? null : devices.trusted(deviceToken, email);
    UUID deviceId = device == null ? null : device.id();
    long wait = throttle.tryAttempt(email, deviceId, client.ip());
    if (wait > 0) {
      metrics.throttled();
      throw ApplicationException.tooManyRequests(wait);
    }
    User user = users.findByEmail(email).orElse(null);
    // Unknown email: check against a dummy hash, so both failures take the same time.
    PasswordHasher.Verification v = hasher.verify(password, user == null ? null : user.passwordHash());
    if (user == null || !v.matches() || !user.enabled()) {
      String reason = user == null ? "unknown email" : !v.matches() ? "wrong password" : "disabled";
      audit.recordAlone(
          AuditEntry.failure(AuditActions.AUTH_LOGIN_FAILED)
              .actor(user == null ? null : user.id(), email)
              .target("user", user == null ? null : user.id())
              .detail("reason", reason));
      metrics.loginFailed();
      throw invalidCredentials();
    }
    if (requireVerifiedEmail && !user.emailVerified()) {
      // After the password: only the account's owner learns that the address is unverified.
      audit.recordAlone(
          AuditEntry.failure(AuditActions.AUTH_LOGIN_FAILED)
              .actor(user.id(), email)
              .target("user", user.id())
              .detail("reason", "email not verified"));
      metrics.loginFailed();
      throw new ApplicationException(403, ProblemTypes.EMAIL_NOT_VERIFIED, "Email not verified",
          "Confirm your email address with the link mailed to it before signing in.");
    }
    String newHash = v.needsRehash() ? hasher.hash(password) : null;
    SignIn tokens;
    try {
      tokens = user.mfaEnabled()
          ? tx.challenge(user.id(), user.passwordHash(), user.credentialEpoch(), newHash, device)
          : tx.login(user.id(), user.passwordHash(), user.credentialEpoch(), newHash, device, client);
    } catch (ApplicationException e) {
      if (e.status() == 401) {
        // The password matched, but a password change, disable, delete or sign-out everywhere
        // committed between the check and the session: a failed login like any other.
        audit.recordAlone(
            AuditEntry.failure(AuditActions.AUTH_LOGIN_FAILED)
                .actor(user.id(), email)
                .target("user", user.id())
                .detail("reason", "credentials changed"));
        metrics.loginFailed();
      }
      throw e;
    }
    throttle.succeeded(email, deviceId, client.ip());
    metrics.loginSucceeded();
    return tokens;
  }

  /**
   * {@code POST /api/auth/login/mfa}: the second step. The MFA token is looked up and locked, the
   * code checked and used up, and the session started in one transaction; a wrong code counts
   * against the token (five void it) and the user's throttle.
   */
  public Tokens loginMfa(String mfaToken, String code, String recoveryCode, ClientInfo client) {
    if ((code == null) == (recoveryCode == null)) {
      throw ApplicationException.invalid("code", "give either code or recoveryCode");
    }
    UUID userId = tx.challengeUser(mfaToken);
    if (userId == null) {
      throw invalidMfa("The MFA token is unknown, expired or used up.");
    }
    mfa.waitForAttempt(userId);
    MfaOutcome outcome = tx.completeMfa(mfaToken, code, recoveryCode, client);
    if (outcome instanceof MfaSucceeded ok) {
      mfa.succeeded(userId);
      metrics.loginSucceeded();
      return ok.tokens();
    }
    String reason = outcome instanceof MfaWrongCode ? "wrong code" : outcome instanceof MfaStale ? "credentials changed" : "token used up";
    audit.recordAlone(
        AuditEntry.failure(AuditActions.AUTH_LOGIN_MFA_FAILED)
            .actor(userId, users.emailOf(userId))
            .target("user", userId)
            .detail("reason", reason)
            .detail("method", recoveryCode != null ? "recovery_code" : "totp"));
    metrics.loginFailed();
    throw invalidMfa(outcome instanceof MfaWrongCode ? "The code is wrong or was already used." : "The MFA token is unknown, expired or used up.");
  }

  private static ApplicationException invalidMfa(String detail) {
    return ApplicationException.unauthorized(ProblemTypes.INVALID_MFA_CODE, "Invalid second factor", detail);
  }

  sealed interface MfaOutcome {}

  record MfaSucceeded(Tokens tokens) implements MfaOutcome {}

  record MfaWrongCode() implements MfaOutcome {}

  record MfaStale() implements MfaOutcome {}

  record MfaGone() implements MfaOutcome {}

  public Tokens refresh(String refreshToken, ClientInfo client) {
    SessionService.Refreshed outcome = sessions.refresh(refreshToken, client);
    if (outcome instanceof SessionService.Rotated r) {
      metrics.refreshed();
      return issue(r.user(), r.sessionId(), r.mfa(), r.refreshToken(), r.refreshExpiresIn());
    }
    if (outcome instanceof SessionService.Reused reused) {
      metrics.refreshReused();
      // The family was revoked in its own, committed transaction; record it in another.
      audit.recordAlone(
          AuditEntry.failure(AuditActions.AUTH_REFRESH_REUSE)
              .actor(reused.userId(), users.emailOf(reused.userId()))
              .target("session", reused.sessionId())
              .detail("reaction", "session revoked"));
    }
    throw invalidRefreshToken();
  }

  Tokens issue(User user, Session session, String refreshToken, long refreshExpiresIn) {
    return issue(user, session.id(), session.mfa(), refreshToken, refreshExpiresIn);
  }

  Tokens issue(User user, UUID sessionId, boolean mfa, String refreshToken, long refreshExpiresIn) {
    boolean enrollOnly = !mfa && requiresMfa(user);
    List<String> groups = new ArrayList<>();
    if (enrollOnly) {
      groups.add(dev.vigile.common.Permissions.MFA_ENROLLMENT);
    } else {
      groups.addAll(user.roleNames());
      groups.addAll(user.permissionNames());
    }
    List<String> amr = mfa ? List.of("pwd", "otp") : List.of("pwd");
    AccessTokenIssuer.AccessToken access =
        tokens.issue(user.id(), user.email(), groups, sessionId, user.tokenGeneration(), amr);
    return new Tokens(access.value(), access.expiresIn(), refreshToken, refreshExpiresIn, user, null, sessionId, enrollOnly);
  }

  /** The roles named in {@code VIGILE_MFA_REQUIRED_ROLES}, read once. */
  private Set<String> mfaRoles;

  @jakarta.annotation.PostConstruct
  void readMfaRoles() {
    Set<String> roles = new java.util.HashSet<>();
    mfaRequiredRoles.ifPresent(list -> {
      for (String role : list.split(",")) {
        if (!role.isBlank()) {
          roles.add(role.strip());
        }
      }
    });
    mfaRoles = Set.copyOf(roles);
  }

  @Inject RoleRepository roles;

  /**
   * Whether the user must use MFA ({@link MfaRequirement}): a role named in
   * {@code VIGILE_MFA_REQUIRED_ROLES}, or every permission of one.
   */
  boolean requiresMfa(User user) {
    if (mfaRoles.isEmpty()) {
      return false;
    }
    Set<String> held = user.roleNames();
    if (held.stream().anyMatch(mfaRoles::contains)) {
      return true;
    }
    Set<String> permissions = user.permissionNames();
    if (permissions.isEmpty()) {
      return false;
    }
    java.util.Map<String, Set<String>> named = new java.util.HashMap<>();
    for (String name : mfaRoles) {
      roles.find(name).ifPresent(r -> {
        Set<String> granted = new java.util.HashSet<>();
        r.permissions().forEach(p -> granted.add(p.name()));
        named.put(name, granted);
      });
    }
    return MfaRequirement.requires(named, held, permissions);
  }

  /** The transactional steps, behind a CDI proxy so {@code @Transactional} applies. */
  @ApplicationScoped
  @Transactional
  public static class AuthTransactions {
    @Inject UserRepository users;
    @Inject SessionService sessions;
    @Inject AuthService auth;
    @Inject Clock clock;
    @Inject AuditLog audit;
    @Inject DeviceTokens devices;

    SignIn register(String email, String hash, String displayName, ClientInfo client, boolean signIn) {
      UUID id = UUID.randomUUID();
      if (!users.insertIfAbsent(id, email, displayName, hash, clock.instant())) {
        throw ApplicationException.conflict("An account with this email already exists.");
      }
      users.addRole(id, Role.USER);
      User user = users.findById(id).orElseThrow();
      verification.sendVerification(user, client.acceptLanguage());
      if (!signIn) {
        audit.record(
            AuditEntry.success(AuditActions.AUTH_REGISTER)
                .actor(id, email)
                .target("user", id)
                .detail("verificationRequired", true));
        return new VerificationRequired(user);
      }
      SessionService.Started started = sessions.start(id, client);
      audit.record(
          AuditEntry.success(AuditActions.AUTH_REGISTER)
              .actor(id, email)
              .target("user", id)
              .detail("session", started.session().id()));
      // A registration is a first successful sign-in: this client is the account's first device.
      return auth.issue(user, started.session(), started.refreshToken(), started.refreshExpiresIn())
          .withDevice(devices.afterLogin(id, null));
    }

    /**
     * Starts the session if the credential checked outside this transaction is still in force,
     * under the user's row lock: a password change, disable, delete or sign-out-everywhere that
     * committed meanwhile makes this login fail, and one that comes later waits for this
     * session and ends it. A re-hash replaces only the hash that was checked.
     */
    @jakarta.persistence.PersistenceContext jakarta.persistence.EntityManager em;
    @Inject MfaService mfa;
    @Inject Recovery.Steps verification;
    @Inject AccountMail mail;

    @ConfigProperty(name = "vigile.mfa.challenge-ttl", defaultValue = "PT5M")
    @Inject
    java.time.Duration challengeTtl;

    /** The password was right and the user has MFA: a challenge instead of a session. */
    MfaRequired challenge(UUID userId, String checkedHash, long checkedEpoch, String newHash, DeviceTokens.Device device) {
      if (!users.lockCredential(userId, checkedHash, checkedEpoch)) {
        throw invalidCredentials();
      }
      if (newHash != null) {
        users.replacePasswordHash(userId, checkedHash, newHash, clock.instant());
      }
      java.time.Instant now = clock.instant();
      // Challenges of the user that lapsed go; live ones stay (another device may be mid-way).
      em.createNativeQuery("delete from mfa_challenges where user_id = ?1 and (expires_at <= ?2 or used_at is not null)")
          .setParameter(1, userId)
          .setParameter(2, now)
          .executeUpdate();
      String token = OpaqueTokens.generate();
      em.createNativeQuery(
              "insert into mfa_challenges (token_hash, user_id, credential_epoch, device_id, created_at, expires_at)"
                  + " values (?1, ?2, ?3, ?4, ?5, ?6)")
          .setParameter(1, OpaqueTokens.hash(token))
          .setParameter(2, userId)
          .setParameter(3, checkedEpoch)
          .setParameter(4, device == null ? null : device.id())
          .setParameter(5, now)
          .setParameter(6, now.plus(challengeTtl))
          .executeUpdate();
      return new MfaRequired(token, challengeTtl.toSeconds());
    }

    /** The user a live challenge belongs to, or null. */
    UUID challengeUser(String mfaToken) {
      if (!OpaqueTokens.plausible(mfaToken)) {
        return null;
      }
      @SuppressWarnings("unchecked")
      List<Object> rows = em.createNativeQuery(
              "select user_id from mfa_challenges where token_hash = ?1 and used_at is null and expires_at > ?2"
                  + " and failures < ?3")
          .setParameter(1, OpaqueTokens.hash(mfaToken))
          .setParameter(2, clock.instant())
          .setParameter(3, MfaService.WRONG_CODES_ALLOWED)
          .getResultList();
      return rows.isEmpty() ? null : (UUID) rows.get(0);
    }

    /** Commits in every outcome: a wrong code is counted, a used token stays used. */
    MfaOutcome completeMfa(String mfaToken, String code, String recoveryCode, ClientInfo client) {
      java.time.Instant now = clock.instant();
      String hash = OpaqueTokens.hash(mfaToken);
      // The user's row before the challenge's, in the order of a credential event (CutOffs),
      // which deletes the user's challenges after updating the user: the reverse could deadlock.
      @SuppressWarnings("unchecked")
      List<Object> owner = em.createNativeQuery("select user_id from mfa_challenges where token_hash = ?1")
          .setParameter(1, hash)
          .getResultList();
      if (owner.isEmpty() || !users.lockRow((UUID) owner.get(0))) {
        return new MfaGone();
      }
      @SuppressWarnings("unchecked")
      List<Object[]> rows = em.createNativeQuery(
              "select user_id, credential_epoch, device_id from mfa_challenges where token_hash = ?1"
                  + " and used_at is null and expires_at > ?2 and failures < ?3 for update")
          .setParameter(1, hash)
          .setParameter(2, now)
          .setParameter(3, MfaService.WRONG_CODES_ALLOWED)
          .getResultList();
      if (rows.isEmpty()) {
        return new MfaGone();
      }
      UUID userId = (UUID) rows.get(0)[0];
      long epoch = ((Number) rows.get(0)[1]).longValue();
      UUID deviceId = (UUID) rows.get(0)[2];
      Optional<String> method = mfa.useFactor(userId, code, recoveryCode);
      if (method.isEmpty()) {
        em.createNativeQuery("update mfa_challenges set failures = failures + 1 where token_hash = ?1")
            .setParameter(1, hash)
            .executeUpdate();
        return new MfaWrongCode();
      }
      em.createNativeQuery("update mfa_challenges set used_at = ?1 where token_hash = ?2")
          .setParameter(1, now)
          .setParameter(2, hash)
          .executeUpdate();
      if (!users.lockCredential(userId, epoch)) {
        return new MfaStale();
      }
      User user = users.findById(userId).orElseThrow(AuthService::invalidCredentials);
      user.recordLogin(now);
      SessionService.Started started = sessions.start(userId, client, true);
      DeviceTokens.Device device = deviceId == null ? null : new DeviceTokens.Device(deviceId, null);
      audit.record(
          AuditEntry.success(AuditActions.AUTH_LOGIN)
              .actor(userId, user.email())
              .target("user", userId)
              .detail("session", started.session().id())
              .detail("mfa", method.get())
              .detail("knownDevice", device != null));
      if (device == null) {
        newDeviceNotice(user, client);
      }
      return new MfaSucceeded(auth.issue(user, started.session(), started.refreshToken(), started.refreshExpiresIn())
          .withDevice(devices.afterLogin(userId, device)));
    }

    void newDeviceNotice(User user, ClientInfo client) {
      mail.notice(user, "new-device", client.acceptLanguage(), java.util.Map.of(
          "ip", client.ip() == null ? "?" : client.ip(),
          "userAgent", client.userAgent() == null ? "?" : client.userAgent()));
    }

    Tokens login(
        UUID userId, String checkedHash, long checkedEpoch, String newHash, DeviceTokens.Device device, ClientInfo client) {
      if (!users.lockCredential(userId, checkedHash, checkedEpoch)) {
        throw invalidCredentials();
      }
      if (newHash != null) {
        users.replacePasswordHash(userId, checkedHash, newHash, clock.instant());
      }
      User user = users.findById(userId).orElseThrow(AuthService::invalidCredentials);
      user.recordLogin(clock.instant());
      SessionService.Started started = sessions.start(userId, client);
      audit.record(
          AuditEntry.success(AuditActions.AUTH_LOGIN)
              .actor(userId, user.email())
              .target("user", userId)
              .detail("session", started.session().id())
              .detail("rehashed", newHash != null)
              .detail("knownDevice", device != null));
      if (device == null) {
        newDeviceNotice(user, client);
      }
      return auth.issue(user, started.session(), started.refreshToken(), started.refreshExpiresIn())
          .withDevice(devices.afterLogin(userId, device));
    }
  }
}
