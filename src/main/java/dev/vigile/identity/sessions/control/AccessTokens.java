package dev.vigile.identity.sessions.control;

import dev.vigile.common.Permissions;
import dev.vigile.identity.accounts.control.RoleRepository;
import dev.vigile.identity.accounts.control.UserSnapshot;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.sessions.entity.Session;
import dev.vigile.security.AccessTokenIssuer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The access token a session's sign-in or refresh hands out: the user's roles and permissions as
 * groups, or only the enrollment permission while a role requires MFA and the session has none.
 */
@ApplicationScoped
public class AccessTokens {
    @Inject
    AccessTokenIssuer issuer;

    @Inject
    RoleRepository roles;

    @Inject
    SessionSettings settings;

    SignIn.Tokens issue(User user, Session session, String refreshToken, long refreshExpiresIn) {
        return issue(UserSnapshot.of(user), session.id(), session.mfa(), session.amr(), refreshToken, refreshExpiresIn);
    }

    /** @param amr how the session was proven, space-separated; null for a session older than passkeys */
    SignIn.Tokens issue(
            UserSnapshot user, UUID sessionId, boolean mfa, String amr, String refreshToken, long refreshExpiresIn) {
        boolean enrollOnly = !mfa && requiresMfa(user);
        List<String> groups = new ArrayList<>();
        if (enrollOnly) {
            groups.add(Permissions.MFA_ENROLLMENT);
        } else {
            groups.addAll(user.roles());
            groups.addAll(user.permissions());
        }
        List<String> methods = amr != null ? List.of(amr.split(" ")) : mfa ? List.of("pwd", "otp") : List.of("pwd");
        AccessTokenIssuer.AccessToken access =
                issuer.issue(user.id(), user.email(), groups, sessionId, user.tokenGeneration(), methods);
        return new SignIn.Tokens(
                access.value(), access.expiresIn(), refreshToken, refreshExpiresIn, user, null, sessionId, enrollOnly);
    }

    /**
     * Whether the user must use MFA ({@link MfaRequirement}): a role named in
     * {@code VIGILE_MFA_REQUIRED_ROLES}, or every permission of one.
     */
    boolean requiresMfa(UserSnapshot user) {
        Set<String> mfaRoles = settings.mfaRequiredRoles();
        if (mfaRoles.isEmpty()) {
            return false;
        }
        Set<String> held = Set.copyOf(user.roles());
        if (held.stream().anyMatch(mfaRoles::contains)) {
            return true;
        }
        Set<String> permissions = Set.copyOf(user.permissions());
        if (permissions.isEmpty()) {
            return false;
        }
        Map<String, Set<String>> named = new HashMap<>();
        for (String name : mfaRoles) {
            roles.find(name).ifPresent(r -> {
                Set<String> granted = new HashSet<>();
                r.permissions().forEach(p -> granted.add(p.name()));
                named.put(name, granted);
            });
        }
        return MfaRequirement.requires(named, held, permissions);
    }
}
