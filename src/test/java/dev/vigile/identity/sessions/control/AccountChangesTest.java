package dev.vigile.identity.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigile.identity.events.EmailChanged;
import dev.vigile.identity.events.PasswordChanged;
import dev.vigile.identity.events.PasswordReset;
import dev.vigile.identity.events.RoleChanged;
import dev.vigile.identity.events.RolesChanged;
import dev.vigile.identity.events.SignedOutByAdmin;
import dev.vigile.identity.events.UserDeleted;
import dev.vigile.identity.events.UserDisabled;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What each account change cuts off, wired by hand: the columns of docs/security.md's revocation
 * matrix as the sessions component reads them. A credential event ends every session (but the
 * changer's own, for a password change) and moves the credential epoch; an email or role change
 * only cuts access tokens off, so the next refresh carries the new claims.
 */
class AccountChangesTest {
    /** The cut-offs asked for, in order, instead of done. */
    static final class RecordingCutOffs extends CutOffs {
        final List<String> calls = new ArrayList<>();

        @Override
        public void revokeAllBut(UUID userId, UUID kept, String reason) {
            calls.add("sessions of " + userId + " but " + kept + " (" + reason + ")");
        }

        @Override
        public void cutOff(List<UUID> userIds) {
            calls.add("tokens of " + userIds);
        }

        @Override
        public void forgetUser(UUID userId) {
            calls.add("forget " + userId);
        }

        @Override
        public void cutOffRole(String roleName) {
            calls.add("tokens of role " + roleName);
        }
    }

    final UUID user = UUID.randomUUID();
    final UUID session = UUID.randomUUID();
    final RecordingCutOffs cutOffs = new RecordingCutOffs();
    final AccountChanges changes = wired();

    AccountChanges wired() {
        AccountChanges a = new AccountChanges();
        a.sessions = cutOffs;
        return a;
    }

    @Test
    void credentialEventsEndSessionsAndAPasswordChangeKeepsTheChangersOwn() {
        changes.on(new PasswordChanged(user, session));
        changes.on(new PasswordReset(user));
        changes.on(new UserDisabled(user));
        changes.on(new SignedOutByAdmin(user));
        assertEquals(
                List.of(
                        "sessions of " + user + " but " + session + " (password-changed)",
                        "sessions of " + user + " but null (password-reset)",
                        "sessions of " + user + " but null (disabled)",
                        "sessions of " + user + " but null (admin)"),
                cutOffs.calls);
    }

    @Test
    void claimChangesCutOnlyAccessTokensOff() {
        changes.on(new EmailChanged(user, "new@vigile.test"));
        changes.on(new RolesChanged(user, Set.of("USER"), Set.of(), Set.of("ADMIN")));
        changes.on(new RoleChanged("SUPPORT"));
        changes.on(new UserDeleted(user));
        assertEquals(
                List.of(
                        "tokens of [" + user + "]",
                        "tokens of [" + user + "]",
                        "tokens of role SUPPORT",
                        "forget " + user),
                cutOffs.calls);
    }
}
