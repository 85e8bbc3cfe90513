package dev.vigile.identity.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The sessions' decisions, apart from HTTP and the database: what a sign-in or a refresh leads to. */
class SignInDecisionsTest {
    @Test
    void aSignInIsRefusedAlikeForEveryReasonAndTheReasonIsKeptForTheAudit() {
        assertEquals(
                new PasswordSignIn.Refused("unknown email"),
                PasswordSignIn.next(false, false, false, false, false, false));
        assertEquals(
                new PasswordSignIn.Refused("wrong password"),
                PasswordSignIn.next(true, false, true, false, true, true));
        assertEquals(
                new PasswordSignIn.Refused("disabled"), PasswordSignIn.next(true, true, false, false, true, false));
        // A disabled account with an unverified address is refused as disabled: the password does
        // not tell a stranger whether the address was proven.
        assertEquals(
                new PasswordSignIn.Refused("disabled"), PasswordSignIn.next(true, true, false, true, false, false));
    }

    @Test
    void theSecondFactorComesAfterTheAddressProofAndOnlyForAccountsWithMfa() {
        assertInstanceOf(
                PasswordSignIn.VerifyAddressFirst.class, PasswordSignIn.next(true, true, true, true, false, true));
        assertInstanceOf(PasswordSignIn.SecondFactor.class, PasswordSignIn.next(true, true, true, true, true, true));
        assertInstanceOf(PasswordSignIn.SecondFactor.class, PasswordSignIn.next(true, true, true, false, false, true));
        assertInstanceOf(PasswordSignIn.Session.class, PasswordSignIn.next(true, true, true, false, false, false));
        assertInstanceOf(PasswordSignIn.Session.class, PasswordSignIn.next(true, true, true, true, true, false));
    }

    @Test
    void aRefreshTokenIsVoidUnlessCurrentAndAReplayRevokesItsFamily() {
        UUID session = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        assertEquals(TokenRefresh.Verdict.ROTATED, TokenRefresh.verdict(true, null, true));
        assertEquals(TokenRefresh.Verdict.USER_INACTIVE, TokenRefresh.verdict(true, null, false));
        assertEquals(TokenRefresh.Verdict.UNKNOWN, TokenRefresh.verdict(false, null, false));
        // Not rotated and still current: its session is revoked, expired or idle; the token is void.
        assertEquals(
                TokenRefresh.Verdict.UNKNOWN,
                TokenRefresh.verdict(false, new Sessions.Family(session, user, false, true), false));
        assertEquals(
                TokenRefresh.Verdict.REUSED,
                TokenRefresh.verdict(false, new Sessions.Family(session, user, true, false), false));
        // A replay of a token whose family was already revoked still counts as a reuse.
        assertEquals(
                TokenRefresh.Verdict.REUSED,
                TokenRefresh.verdict(false, new Sessions.Family(session, user, true, true), false));
    }

    @Test
    void aRefreshedSessionEndsAnIdleLifetimeFromNowOrAtItsAbsoluteExpiry() {
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        Duration idle = Duration.ofDays(7);
        Sessions.Rotated young = new Sessions.Rotated(
                UUID.randomUUID(), UUID.randomUUID(), now.plus(Duration.ofDays(29)), false, null, "t", false);
        assertEquals(idle.toSeconds(), Sessions.refreshExpiresIn(young, now, idle));
        Sessions.Rotated old = new Sessions.Rotated(
                UUID.randomUUID(), UUID.randomUUID(), now.plus(Duration.ofHours(2)), false, null, "t", false);
        assertEquals(Duration.ofHours(2).toSeconds(), Sessions.refreshExpiresIn(old, now, idle));
        Sessions.Rotated past = new Sessions.Rotated(
                UUID.randomUUID(), UUID.randomUUID(), now.minusSeconds(5), false, null, "t", false);
        assertEquals(0, Sessions.refreshExpiresIn(past, now, idle));
    }
}
