package dev.vigile.identity;

import dev.vigile.identity.accounts.control.RoleRepository;
import dev.vigile.identity.accounts.control.UserFigures;
import dev.vigile.identity.accounts.control.UserRepository;
import dev.vigile.identity.sessions.control.SessionFigures;
import dev.vigile.identity.sessions.control.TokenRevocation;
import dev.vigile.security.CurrentCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * The identity context's façade for other features: what they may ask about users, roles and
 * sessions, without touching the tables the context owns. Changes are not offered here; they go
 * through the identity routes, and are announced as {@code identity.events}.
 */
@ApplicationScoped
public class Directory {
    @Inject
    UserRepository users;

    @Inject
    RoleRepository roles;

    @Inject
    UserFigures userFigures;

    @Inject
    SessionFigures sessionFigures;

    @Inject
    TokenRevocation revocation;

    @Inject
    dev.vigile.identity.sessions.control.Sessions sessions;

    @Inject
    dev.vigile.identity.clients.control.ClientRegistry clients;

    /** Whether this caller's token has been cut off (logout, revocation, role change, disable). */
    public boolean cutOff(CurrentCaller caller) {
        return revocation.refused(caller);
    }

    /**
     * Of these callers, those whose tokens are cut off, read from the database now in a few
     * statements: for checking many connected callers at once without a per-caller cache reload.
     */
    public Set<CurrentCaller> cutOffNow(Collection<CurrentCaller> callers) {
        return revocation.refusedNow(callers);
    }

    /**
     * Whether this service account may act with this permission now (enabled, unexpired, holding
     * it through its roles), read from the database: for work done on its behalf without a token
     * of it at hand (pushing its stream's events).
     */
    @jakarta.transaction.Transactional
    public boolean serviceAccountHolds(UUID clientId, String permission) {
        return clients.holds(clientId, permission, java.time.Instant.now());
    }

    /** The user of each of these sessions, read in the caller's transaction (ended sessions included). */
    public java.util.Map<UUID, UUID> sessionOwners(Collection<UUID> sessionIds) {
        return sessions.owners(sessionIds);
    }

    /** Whether {@code name} has the shape of a role name (upper case, 2 to 32 characters). */
    public static boolean roleNameShape(String name) {
        return name != null && RoleRepository.NAME.matcher(name).matches();
    }

    public boolean userExists(UUID id) {
        return users.findById(id).isPresent();
    }

    public boolean roleExists(String name) {
        return roleNameShape(name) && roles.find(name).isPresent();
    }

    /** Users: all, enabled, created after {@code since}, and holders per role. */
    public UserCounts userCounts(Instant since) {
        return userFigures.users(since);
    }

    /** The enabled accounts a role reaches now, or every enabled account when {@code role} is null. */
    public long enabledUsers(String role) {
        return userFigures.enabledUsers(role);
    }

    /** Sessions in use at {@code now}. */
    public long activeSessions(Instant now) {
        return sessionFigures.activeSessions(now);
    }
}
