package dev.vigile.identity.sessions.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who must use a second factor: issue 33, point 5 (a required role was matched by name only). */
class MfaRequirementTest {
    static final Set<String> ADMIN_PERMISSIONS = Set.of(
            "users:read",
            "users:write",
            "users:delete",
            "roles:read",
            "roles:write",
            "roles:assign",
            "audit:read",
            "dashboard:read",
            "notifications:send");
    static final Map<String, Set<String>> ADMIN_REQUIRED = Map.of("ADMIN", ADMIN_PERMISSIONS);

    @Test
    void holdingTheNamedRoleRequiresIt() {
        assertTrue(MfaRequirement.requires(ADMIN_REQUIRED, Set.of("USER", "ADMIN"), ADMIN_PERMISSIONS));
    }

    @Test
    void aCustomRoleWithEveryPermissionOfTheNamedRoleRequiresItToo() {
        assertTrue(MfaRequirement.requires(ADMIN_REQUIRED, Set.of("USER", "ROOT_LIKE"), ADMIN_PERMISSIONS));
        assertTrue(
                MfaRequirement.requires(ADMIN_REQUIRED, Set.of("USER", "HALF_A", "HALF_B"), ADMIN_PERMISSIONS),
                "the permissions add up across roles");
    }

    @Test
    void lessThanTheNamedRoleDoesNot() {
        Set<String> allButOne = new java.util.HashSet<>(ADMIN_PERMISSIONS);
        allButOne.remove("roles:assign");
        assertFalse(MfaRequirement.requires(ADMIN_REQUIRED, Set.of("USER", "HELPDESK"), allButOne));
        assertFalse(MfaRequirement.requires(ADMIN_REQUIRED, Set.of("USER"), Set.of()));
    }

    @Test
    void aNamedRoleWithoutPermissionsIsMatchedByNameOnly() {
        Map<String, Set<String>> guarded = Map.of("MFA_GUARDED", Set.of());
        assertFalse(MfaRequirement.requires(guarded, Set.of("USER"), Set.of()), "everyone holds the empty set");
        assertTrue(MfaRequirement.requires(guarded, Set.of("USER", "MFA_GUARDED"), Set.of()));
    }

    @Test
    void roleNamesAreExact() {
        assertFalse(MfaRequirement.requires(ADMIN_REQUIRED, Set.of("USER", "admin", "ADMIN "), Set.of("users:read")));
    }

    @Test
    void nothingNamedRequiresNothing() {
        assertFalse(MfaRequirement.requires(Map.of(), Set.of("USER", "ADMIN"), ADMIN_PERMISSIONS));
    }
}
