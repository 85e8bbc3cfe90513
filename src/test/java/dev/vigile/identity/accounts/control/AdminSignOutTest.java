package dev.vigile.identity.accounts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.identity.accounts.entity.Permission;
import dev.vigile.identity.accounts.entity.Role;
import dev.vigile.identity.accounts.entity.User;
import dev.vigile.identity.events.SignedOutByAdmin;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.CurrentCaller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A use case wired by hand, without a container: the anti-escalation rule decides before
 * anything is announced or audited, and an allowed sign-out is both.
 */
class AdminSignOutTest {
    final User target = new User(UUID.randomUUID(), "target@vigile.test", null, "hash", Instant.now());
    final CurrentCaller caller = new CurrentCaller(UUID.randomUUID(), "admin@vigile.test", UUID.randomUUID(), 0);
    final List<Object> fired = new ArrayList<>();
    final List<AuditEntry> audited = new ArrayList<>();

    AdminSignOut wired(boolean callerHoldsEnough) {
        AdminSignOut useCase = new AdminSignOut();
        useCase.users = new UserRepository() {
            @Override
            public User locked(UUID id) {
                if (!id.equals(target.id())) {
                    throw ApplicationException.notFound("No such user.");
                }
                return target;
            }
        };
        useCase.privileges = new Privileges() {
            @Override
            public Set<String> permissionsOf(UUID userId) {
                return callerHoldsEnough ? Set.of("users:write", "audit:read") : Set.of();
            }
        };
        useCase.signedOut = RecordingEvent.into(fired);
        useCase.audit = new AuditLog() {
            @Override
            public void record(AuditEntry entry) {
                audited.add(entry);
            }
        };
        useCase.work = UnitOfWork.direct();
        return useCase;
    }

    @Test
    void anAllowedSignOutIsAnnouncedAndAudited() {
        target.assignRoles(Set.of(), Instant.now());
        wired(true).signOut(caller, target.id());
        assertEquals(List.of(new SignedOutByAdmin(target.id())), fired);
        assertEquals(1, audited.size());
        assertEquals("auth.logout.all", audited.get(0).action());
        assertEquals(caller.userId(), audited.get(0).actorId());
        assertEquals(target.id().toString(), audited.get(0).targetId());
        assertTrue(
                audited.get(0).detailsJson().contains("\"by\":\"admin\""),
                audited.get(0).detailsJson());
    }

    @Test
    void aLesserCallerIsRefusedBeforeAnythingHappens() {
        target.assignRoles(
                Set.of(new Role("AUDITOR", null, Set.of(new Permission("audit:read", null)), Instant.now())),
                Instant.now());
        ApplicationException refused =
                assertThrows(ApplicationException.class, () -> wired(false).signOut(caller, target.id()));
        assertEquals(403, refused.status());
        assertEquals(List.of(), fired);
        assertEquals(List.of(), audited);
    }

    @Test
    void anUnknownUserIs404() {
        ApplicationException unknown =
                assertThrows(ApplicationException.class, () -> wired(true).signOut(caller, UUID.randomUUID()));
        assertEquals(404, unknown.status());
        assertEquals(List.of(), fired);
    }
}
