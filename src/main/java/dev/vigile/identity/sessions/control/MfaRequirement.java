package dev.vigile.identity.sessions.control;

import java.util.Map;
import java.util.Set;

/**
 * Who must use a second factor ({@code VIGILE_MFA_REQUIRED_ROLES}): whoever holds a named role,
 * and whoever holds every permission of a named role that grants any, whatever their roles are
 * called. Naming a role protects what it can do, so a custom role given all of ADMIN's
 * permissions cannot be used to sidestep "ADMIN must use MFA".
 */
final class MfaRequirement {
    private MfaRequirement() {}

    /**
     * @param named the roles named in the setting, each with the permissions it grants now
     * @param roles the user's role names
     * @param permissions every permission the user holds through them
     */
    static boolean requires(Map<String, Set<String>> named, Set<String> roles, Set<String> permissions) {
        for (Map.Entry<String, Set<String>> role : named.entrySet()) {
            if (roles.contains(role.getKey())) {
                return true;
            }
            if (!role.getValue().isEmpty() && permissions.containsAll(role.getValue())) {
                return true;
            }
        }
        return false;
    }
}
