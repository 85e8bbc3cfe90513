package dev.vigile.identity.accounts.control;

import dev.vigile.identity.credentials.control.Recovery;

import dev.vigile.identity.events.PasswordChanged;
import dev.vigile.identity.events.RolesChanged;
import dev.vigile.identity.events.SignedOutByAdmin;
import dev.vigile.identity.events.UserDeleted;
import dev.vigile.identity.events.UserDisabled;
import dev.vigile.common.text.Emails;
import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.web.ClientInfo;
import dev.vigile.common.web.PatchBody;
import dev.vigile.common.web.TextRules;
import dev.vigile.common.Permissions;
import dev.vigile.security.CurrentCaller;
import dev.vigile.security.LoginThrottle;
import dev.vigile.security.PasswordHasher;
import dev.vigile.security.PasswordPolicy;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The user's own account and user administration. Passwords are hashed outside transactions;
 * every change commits with its audit row.
 */
@ApplicationScoped
public class UserService {
  public static final int DISPLAY_NAME_MAX = 100;

  @Inject Changes changes;
  @Inject UserRepository users;
  @Inject PasswordHasher hasher;
  @Inject LoginThrottle throttle;
  @Inject AuditLog audit;

  /** A new account as an administrator asks for it. */
  public record NewUser(
      String email, String password, String displayName, List<String> roles, Boolean enabled) {}

  public User get(UUID id) {
    return users.findById(id).orElseThrow(() -> ApplicationException.notFound("No such user."));
  }

  /**
   * Changes the caller's password: the current one must be right (tries are throttled like
   * logins); every other session is revoked and every access token issued so far is cut off.
   */
  public void changePassword(CurrentCaller caller, String current, String next, ClientInfo client) {
    User user = get(caller.userId());
    long wait = throttle.tryAttempt(user.email(), client.ip());
    if (wait > 0) {
      throw ApplicationException.tooManyRequests(wait);
    }
    if (!hasher.verify(current, user.passwordHash()).matches()) {
      audit.recordAlone(
          AuditEntry.failure(AuditActions.AUTH_PASSWORD_CHANGED)
              .actor(user.id(), user.email())
              .target("user", user.id())
              .detail("reason", "wrong current password"));
      throw ApplicationException.invalid("currentPassword", "is not the current password");
    }
    throttle.succeeded(user.email(), client.ip());
    List<Problem.FieldError> errors = new ArrayList<>();
    PasswordPolicy.check("newPassword", next, user.email()).ifPresent(errors::add);
    if (errors.isEmpty() && next.equals(current)) {
      errors.add(new Problem.FieldError("newPassword", "must differ from the current password"));
    }
    if (!errors.isEmpty()) {
      throw ApplicationException.invalid(errors);
    }
    changes.changePassword(caller, user.passwordHash(), hasher.hash(next));
  }

  /** Creates an account; 409 when the email is taken, 403 when a role grants more than the caller holds. */
  public User create(CurrentCaller caller, NewUser request) {
    List<Problem.FieldError> errors = new ArrayList<>();
    String email;
    try {
      email = Emails.normalize("email", request.email());
    } catch (ApplicationException e) {
      errors.addAll(e.errors());
      email = request.email().strip();
    }
    PasswordPolicy.check("password", request.password(), email).ifPresent(errors::add);
    String displayName = TextRules.check("displayName", request.displayName(), DISPLAY_NAME_MAX, errors);
    if (!errors.isEmpty()) {
      throw ApplicationException.invalid(errors);
    }
    changes.checkCreate(caller, request.roles());
    String hash = hasher.hash(request.password());
    return changes.create(caller, email, displayName, hash, request);
  }

  /** The transactional steps, behind a CDI proxy. */
  @ApplicationScoped
  @Transactional
  public static class Changes {
    @Inject UserRepository users;
    @Inject RoleRepository roles;
    @Inject Privileges privileges;
    @Inject jakarta.enterprise.event.Event<Object> events;
    @Inject AuditLog audit;
    @Inject Clock clock;
    @Inject Recovery.Steps verification;

    /** The user, read after locking their row (see {@link UserRepository#lockRow}). */
    private User find(UUID id) {
      if (!users.lockRow(id)) {
        throw ApplicationException.notFound("No such user.");
      }
      return users.findById(id).orElseThrow(() -> ApplicationException.notFound("No such user."));
    }

    /** {@code PATCH /api/users/me}: profile fields only. */
    public User updateProfile(CurrentCaller caller, PatchBody patch) {
      User user = find(caller.userId());
      String name = patch.text("displayName", DISPLAY_NAME_MAX).orElse(null);
      String locale = patch.text("locale", 8).orElse(null);
      if (locale != null && !dev.vigile.mail.MailTemplates.LANGUAGES.contains(locale)) {
        throw ApplicationException.invalid(
            "locale", "must be one of " + dev.vigile.mail.MailTemplates.LANGUAGES + " or null");
      }
      patch.validate();
      List<String> changed = new ArrayList<>();
      if (patch.has("displayName") && !java.util.Objects.equals(name, user.displayName())) {
        user.rename(name, clock.instant());
        changed.add("displayName");
      }
      if (patch.has("locale") && !java.util.Objects.equals(locale, user.locale())) {
        user.setLocale(locale, clock.instant());
        changed.add("locale");
      }
      if (!changed.isEmpty()) {
        audit.record(
            AuditEntry.success(AuditActions.USER_UPDATED)
                .actor(caller.userId(), caller.email())
                .target("user", user.id())
                .detail("fields", changed));
      }
      return user;
    }

    void changePassword(CurrentCaller caller, String expectedHash, String newHash) {
      if (!users.replacePasswordHash(caller.userId(), expectedHash, newHash, clock.instant())) {
        throw ApplicationException.conflict("The password was changed meanwhile; try again.");
      }
      events.fire(new PasswordChanged(caller.userId(), caller.sessionId()));
      audit.record(
          AuditEntry.success(AuditActions.AUTH_PASSWORD_CHANGED)
              .actor(caller.userId(), caller.email())
              .target("user", caller.userId()));
    }

    void checkCreate(CurrentCaller caller, List<String> requested) {
      Set<Role> extra = extraRoles(requested);
      if (!extra.isEmpty()) {
        Set<String> held = privileges.permissionsOf(caller.userId());
        Privileges.requireAll(held, List.of(Permissions.ROLES_ASSIGN), "assign roles");
        Privileges.requireAll(held, permissionsOf(extra), "grant these roles");
      }
    }

    User create(CurrentCaller caller, String email, String displayName, String hash, NewUser request) {
      if (request.roles() != null) {
        roles.lockForAssignment(request.roles());
      }
      Set<Role> extra = extraRoles(request.roles());
      UUID id = UUID.randomUUID();
      if (!users.insertIfAbsent(id, email, displayName, hash, clock.instant())) {
        throw ApplicationException.conflict("An account with this email already exists.");
      }
      users.addRole(id, Role.USER);
      extra.forEach(r -> users.addRole(id, r.name()));
      boolean enabled = request.enabled() == null || request.enabled();
      User user = find(id);
      if (!enabled) {
        user.setEnabled(false, clock.instant());
      }
      // The new user proves the address an administrator typed, as a registration would.
      verification.sendVerification(user, null);
      audit.record(
          AuditEntry.success(AuditActions.USER_CREATED)
              .actor(caller.userId(), caller.email())
              .target("user", id)
              .detail("email", email)
              .detail("roles", user.roleNames())
              .detail("enabled", enabled));
      return user;
    }

    /** {@code PATCH /api/users/{id}}: display name and enabled. */
    public User update(CurrentCaller caller, UUID id, PatchBody patch) {
      String name = patch.text("displayName", DISPLAY_NAME_MAX).orElse(null);
      boolean enabled = patch.has("enabled") && patch.bool("enabled");
      patch.validate();
      User user = find(id);
      privileges.requireOver(caller.userId(), user, "change this user");
      List<String> changed = new ArrayList<>();
      boolean disabling = patch.has("enabled") && !enabled && user.enabled();
      if (patch.has("enabled") && enabled != user.enabled()) {
        if (user.id().equals(caller.userId())) {
          throw ApplicationException.forbidden("You cannot disable your own account.");
        }
        changed.add("enabled");
      }
      if (patch.has("displayName") && !java.util.Objects.equals(name, user.displayName())) {
        changed.add("displayName");
      }
      if (changed.isEmpty()) {
        return user;
      }
      if (disabling && user.roleNames().contains(Role.ADMIN)) {
        privileges.refuseIfLastAdmin(user.id(), "disabled");
      }
      if (changed.contains("displayName")) {
        user.rename(name, clock.instant());
      }
      if (changed.contains("enabled")) {
        user.setEnabled(enabled, clock.instant());
      }
      if (disabling) {
        events.fire(new UserDisabled(user.id()));
      }
      audit.record(
          AuditEntry.success(AuditActions.USER_UPDATED)
              .actor(caller.userId(), caller.email())
              .target("user", user.id())
              .detail("fields", changed)
              .detail("enabled", user.enabled()));
      return user;
    }

    /** {@code DELETE /api/admin/users/{id}/sessions}: signs the user out everywhere. */
    public void revokeSessions(CurrentCaller caller, UUID id) {
      User user = find(id);
      privileges.requireOver(caller.userId(), user, "sign this user out");
      events.fire(new SignedOutByAdmin(user.id()));
      audit.record(
          AuditEntry.success(AuditActions.AUTH_LOGOUT_ALL)
              .actor(caller.userId(), caller.email())
              .target("user", user.id())
              .detail("by", "admin"));
    }

    /** {@code DELETE /api/users/{id}}. */
    public void delete(CurrentCaller caller, UUID id) {
      if (id.equals(caller.userId())) {
        throw ApplicationException.forbidden("You cannot delete your own account here.");
      }
      User user = find(id);
      privileges.requireOver(caller.userId(), user, "delete this user");
      if (user.roleNames().contains(Role.ADMIN) && user.enabled()) {
        privileges.refuseIfLastAdmin(user.id(), "deleted");
      }
      String email = user.email();
      Set<String> roleNames = user.roleNames();
      users.delete(user.id());
      events.fire(new UserDeleted(user.id()));
      audit.record(
          AuditEntry.success(AuditActions.USER_DELETED)
              .actor(caller.userId(), caller.email())
              .target("user", id)
              .detail("email", email)
              .detail("roles", roleNames));
    }

    /** {@code PUT /api/admin/users/{id}/roles}: {@code USER} is always kept. */
    public User setRoles(CurrentCaller caller, UUID id, List<String> requested) {
      if (id.equals(caller.userId())) {
        throw ApplicationException.forbidden("You cannot change your own roles.");
      }
      Set<String> names = new TreeSet<>(requested);
      names.add(Role.USER);
      roles.lockForAssignment(names);
      Set<Role> wanted = roles.existing("roles", names);
      User user = find(id);
      // Over the target first: a lesser caller neither demotes nor, by a change that keeps the
      // target's roles, cuts off a user who holds more than it does.
      privileges.requireOver(caller.userId(), user, "change this user's roles");
      Set<String> before = user.roleNames();
      Set<String> added = new TreeSet<>(names);
      added.removeAll(before);
      Set<String> removed = new TreeSet<>(before);
      removed.removeAll(names);
      if (added.isEmpty() && removed.isEmpty()) {
        return user;
      }
      Set<Role> changedRoles = new java.util.HashSet<>(wanted);
      changedRoles.addAll(user.roles());
      changedRoles.removeIf(r -> !added.contains(r.name()) && !removed.contains(r.name()));
      Privileges.requireAll(
          privileges.permissionsOf(caller.userId()), permissionsOf(changedRoles), "change these roles");
      if (removed.contains(Role.ADMIN) && user.enabled()) {
        privileges.refuseIfLastAdmin(user.id(), "demoted");
      }
      user.assignRoles(wanted, clock.instant());
      events.fire(new RolesChanged(user.id(), Set.copyOf(names), Set.copyOf(added), Set.copyOf(removed)));
      audit.record(
          AuditEntry.success(AuditActions.USER_ROLES_CHANGED)
              .actor(caller.userId(), caller.email())
              .target("user", user.id())
              .detail("added", added)
              .detail("removed", removed)
              .detail("roles", names));
      return user;
    }

    private Set<Role> extraRoles(List<String> requested) {
      if (requested == null) {
        return Set.of();
      }
      Set<String> names = new TreeSet<>(requested);
      names.remove(Role.USER);
      return roles.existing("roles", names);
    }

    private static Set<String> permissionsOf(Collection<Role> roles) {
      Set<String> names = new TreeSet<>();
      roles.forEach(r -> names.addAll(r.permissionNames()));
      return names;
    }
  }
}
