package dev.vigile.identity.clients.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.pagination.Page;
import dev.vigile.common.pagination.PageRequest;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import dev.vigile.common.web.TextRules;
import dev.vigile.identity.accounts.control.Privileges;
import dev.vigile.identity.accounts.control.RoleRepository;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.events.RoleChanged;
import dev.vigile.identity.events.UserTokensCutOff;
import dev.vigile.security.CurrentCaller;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What administrators do to service accounts, each method one unit of work: create (the secret is
 * shown once), change (name, roles, enabled), add and remove secrets, delete. The rules are the
 * users': nobody gives a client a permission they lack nor acts on a client holding one
 * (read now from the database, under the client's lock), and every change that narrows what a
 * client may do (disabled, roles changed, a secret removed, deleted, a role's permissions changed)
 * cuts its access tokens off in the same transaction.
 */
@ApplicationScoped
public class ServiceClients {
    public static final int NAME_MAX = 100;

    /** A rotation: the old secret and the new one, no more. */
    public static final int MAX_SECRETS = 2;

    /** What a timestamp column holds and a client reads back. */
    static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

    @Inject
    ClientRegistry registry;

    @Inject
    RoleRepository roles;

    @Inject
    Privileges privileges;

    @Inject
    AuditLog audit;

    @Inject
    Event<UserTokensCutOff> cutOff;

    @Inject
    Clock clock;

    /** A new client and its first secret, which is never shown again. */
    public record Created(ServiceClient client, String secret) {}

    /** A new secret of a client, shown once. */
    public record NewSecret(UUID id, String secret) {}

    /** What a {@code PATCH} may change; null leaves a field as it is. */
    public record Changes(String name, List<String> roles, Boolean enabled) {}

    @Transactional
    public Page<ServiceClient> page(PageRequest request) {
        return registry.page(request);
    }

    @Transactional
    public ServiceClient get(UUID id) {
        return registry.find(id).orElseThrow(ServiceClients::unknown);
    }

    @Transactional
    public Created create(CurrentCaller caller, String rawName, List<String> roleNames, Instant expiresAt) {
        String name = name(rawName);
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw ApplicationException.invalid("expiresAt", "must be in the future");
        }
        if (expiresAt != null && expiresAt.isAfter(LATEST_EXPIRY)) {
            throw ApplicationException.invalid("expiresAt", "must be before the year 10000");
        }
        Set<String> granted = roleNames(roleNames);
        roles.lockForAssignment(granted);
        Privileges.requireAll(
                privileges.permissionsOf(caller.userId()), permissionsOf(granted), "give a client these roles");
        UUID id = UUID.randomUUID();
        String clientId = ClientSecrets.newClientId();
        Instant now = clock.instant();
        registry.insert(id, clientId, name, expiresAt, caller.userId(), now);
        registry.setRoles(id, granted);
        String secret = ClientSecrets.newSecret();
        UUID secretId = UUID.randomUUID();
        registry.insertSecret(secretId, id, ClientSecrets.hash(secret), now);
        ServiceClient client = get(id);
        audit.record(AuditEntry.success(AuditActions.CLIENT_CREATED)
                .actor(caller.userId(), caller.email())
                .target("client", id)
                .detail("clientId", clientId)
                .detail("roles", client.roles())
                .detail("expiresAt", expiresAt == null ? null : expiresAt.toString()));
        return new Created(client, secret);
    }

    @Transactional
    public ServiceClient update(CurrentCaller caller, UUID id, Changes changes) {
        Set<String> newRoles = changes.roles() == null ? null : roleNames(changes.roles());
        if (newRoles != null) {
            roles.lockForAssignment(newRoles);
        }
        ServiceClient before = lockedOver(caller, id, "change this client");
        Instant now = clock.instant();
        List<String> changed = new ArrayList<>();
        boolean cut = false;
        if (changes.name() != null) {
            String name = name(changes.name());
            if (!name.equals(before.name())) {
                registry.rename(id, name, now);
                changed.add("name");
            }
        }
        if (newRoles != null && !newRoles.equals(new TreeSet<>(before.roles()))) {
            Privileges.requireAll(
                    privileges.permissionsOf(caller.userId()), permissionsOf(newRoles), "give a client these roles");
            registry.setRoles(id, newRoles);
            changed.add("roles");
            cut = true;
        }
        boolean enabledChanged = changes.enabled() != null && changes.enabled() != before.enabled();
        if (enabledChanged) {
            registry.enable(id, changes.enabled(), now);
            changed.add("enabled");
            cut |= !changes.enabled();
        }
        if (cut) {
            cutOff(List.of(id));
        } else if (enabledChanged) {
            // Re-enabled: nothing old comes back (the generation moved at the disabling), but the
            // caches must forget "disabled" at once, here and on every member.
            cutOff.fire(new UserTokensCutOff(List.of(id)));
        }
        ServiceClient after = get(id);
        if (!changed.isEmpty()) {
            audit.record(AuditEntry.success(AuditActions.CLIENT_UPDATED)
                    .actor(caller.userId(), caller.email())
                    .target("client", id)
                    .detail("changed", changed)
                    .detail("roles", after.roles())
                    .detail("enabled", after.enabled()));
        }
        return after;
    }

    @Transactional
    public NewSecret addSecret(CurrentCaller caller, UUID id) {
        lockedOver(caller, id, "add a secret to this client");
        if (registry.secretCount(id) >= MAX_SECRETS) {
            throw ApplicationException.conflict(
                    "This client already has " + MAX_SECRETS + " secrets; remove one before adding another.");
        }
        String secret = ClientSecrets.newSecret();
        UUID secretId = UUID.randomUUID();
        registry.insertSecret(secretId, id, ClientSecrets.hash(secret), clock.instant());
        audit.record(AuditEntry.success(AuditActions.CLIENT_SECRET_CREATED)
                .actor(caller.userId(), caller.email())
                .target("client", id)
                .detail("secretId", secretId.toString()));
        return new NewSecret(secretId, secret);
    }

    /**
     * Removes a secret. The client's tokens are cut off too: a secret is removed because it leaked
     * or was replaced, and the tokens it bought must not outlive it (the client takes a new one
     * with its other secret).
     */
    @Transactional
    public void removeSecret(CurrentCaller caller, UUID id, UUID secretId) {
        lockedOver(caller, id, "remove a secret of this client");
        if (secretId == null || !registry.deleteSecret(id, secretId)) {
            throw ApplicationException.notFound("No such secret.");
        }
        cutOff(List.of(id));
        audit.record(AuditEntry.success(AuditActions.CLIENT_SECRET_DELETED)
                .actor(caller.userId(), caller.email())
                .target("client", id)
                .detail("secretId", secretId.toString()));
    }

    @Transactional
    public void delete(CurrentCaller caller, UUID id) {
        ServiceClient client = lockedOver(caller, id, "delete this client");
        registry.delete(id);
        cutOff(List.of(id));
        audit.record(AuditEntry.success(AuditActions.CLIENT_DELETED)
                .actor(caller.userId(), caller.email())
                .target("client", id)
                .detail("clientId", client.clientId())
                .detail("roles", client.roles()));
    }

    /** A role's permissions changed or it is being deleted: the clients holding it are cut off, in that transaction. */
    void onRoleChanged(@Observes @Priority(100) RoleChanged event) {
        List<UUID> holders = registry.moveTokenGenerationOfRole(event.role());
        if (!holders.isEmpty()) {
            cutOff.fire(new UserTokensCutOff(holders));
        }
    }

    private void cutOff(List<UUID> ids) {
        registry.moveTokenGeneration(ids);
        cutOff.fire(new UserTokensCutOff(ids));
    }

    /**
     * Locks the client and checks the caller holds every permission it holds: 404 unknown, 403
     * otherwise. A service account never manages itself (its own secrets, roles, state): a stolen
     * token of it must not buy a secret that outlives the token.
     */
    private ServiceClient lockedOver(CurrentCaller caller, UUID id, String what) {
        if (id == null || !registry.lock(id)) {
            throw unknown();
        }
        if (caller.isClient() && caller.userId().equals(id)) {
            throw ApplicationException.forbidden("A service account cannot manage itself.");
        }
        ServiceClient client = get(id);
        Privileges.requireAll(privileges.permissionsOf(caller.userId()), client.permissions(), what);
        return client;
    }

    private Set<String> roleNames(List<String> requested) {
        if (requested == null) {
            throw ApplicationException.invalid("roles", "must be a list of role names");
        }
        Set<String> names = new TreeSet<>();
        for (Role role : roles.existing("roles", requested)) {
            names.add(role.name());
        }
        return names;
    }

    private Set<String> permissionsOf(Set<String> roleNames) {
        Set<String> permissions = new TreeSet<>();
        for (String name : roleNames) {
            roles.find(name).ifPresent(r -> permissions.addAll(r.permissionNames()));
        }
        return permissions;
    }

    private static String name(String raw) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String name = TextRules.check("name", raw, NAME_MAX, errors);
        if (name == null) {
            errors.add(new Problem.FieldError("name", "must not be blank"));
        }
        if (!errors.isEmpty()) {
            throw ApplicationException.invalid(errors);
        }
        return name;
    }

    static ApplicationException unknown() {
        return ApplicationException.notFound("No such client.");
    }
}
