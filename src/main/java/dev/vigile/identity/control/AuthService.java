package dev.vigile.identity.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.identity.entity.Session;
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
import dev.vigile.identity.entity.Role;
import dev.vigile.identity.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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

  /** What the token endpoints return: both tokens and the user. */
  public record Tokens(
      String accessToken, long expiresIn, String refreshToken, long refreshExpiresIn, User user, String deviceToken,
      UUID sessionId) {
    Tokens withDevice(String token) {
      return new Tokens(accessToken, expiresIn, refreshToken, refreshExpiresIn, user, token, sessionId);
    }
  }

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

  public Tokens register(String rawEmail, String password, String displayName, ClientInfo client) {
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
      return tx.register(email, hash, name, client);
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
  public Tokens login(String rawEmail, String password, String deviceToken, ClientInfo client) {
    // What cannot be an email is refused before it is throttled or audited: 400, not 401.
    String email = Emails.normalize("email", rawEmail);
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
    String newHash = v.needsRehash() ? hasher.hash(password) : null;
    Tokens tokens;
    try {
      tokens = tx.login(user.id(), user.passwordHash(), user.credentialEpoch(), newHash, device, client);
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

  public Tokens refresh(String refreshToken, ClientInfo client) {
    SessionService.Refreshed outcome = sessions.refresh(refreshToken, client);
    if (outcome instanceof SessionService.Rotated r) {
      metrics.refreshed();
      return issue(r.user(), r.session(), r.refreshToken(), r.refreshExpiresIn());
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
    List<String> groups = new ArrayList<>(user.roleNames());
    groups.addAll(user.permissionNames());
    AccessTokenIssuer.AccessToken access =
        tokens.issue(user.id(), user.email(), groups, session.id(), user.tokenGeneration(), List.of("pwd"));
    return new Tokens(access.value(), access.expiresIn(), refreshToken, refreshExpiresIn, user, null, session.id());
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

    Tokens register(String email, String hash, String displayName, ClientInfo client) {
      UUID id = UUID.randomUUID();
      if (!users.insertIfAbsent(id, email, displayName, hash, clock.instant())) {
        throw ApplicationException.conflict("An account with this email already exists.");
      }
      users.addRole(id, Role.USER);
      User user = users.findById(id).orElseThrow();
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
      return auth.issue(user, started.session(), started.refreshToken(), started.refreshExpiresIn())
          .withDevice(devices.afterLogin(userId, device));
    }
  }
}
