package dev.vigile.identity.sessions.control;

import dev.vigile.identity.accounts.control.UserSnapshot;
import dev.vigile.identity.accounts.entity.User;
import java.util.UUID;

/** What a sign-in with the password gives: tokens, the demand for a second factor, or no session yet. */
public sealed interface SignIn permits SignIn.Tokens, SignIn.MfaRequired, SignIn.VerificationRequired {

    /** A registration while verified addresses are required: the account, and no session yet. */
    record VerificationRequired(User user) implements SignIn {}

    /**
     * The password was right and the user has MFA: the second step's token (single-use,
     * short-lived); {@code passkey}: the user holds a passkey, which the step accepts too.
     */
    record MfaRequired(String mfaToken, long expiresIn, boolean passkey) implements SignIn {}

    /**
     * What the token endpoints return: both tokens and the user. {@code mfaEnrollmentRequired}: the
     * user's role requires MFA and this session has none, so the access token may only enroll.
     */
    record Tokens(
            String accessToken,
            long expiresIn,
            String refreshToken,
            long refreshExpiresIn,
            UserSnapshot user,
            String deviceToken,
            UUID sessionId,
            boolean mfaEnrollmentRequired)
            implements SignIn {
        Tokens withDevice(String token) {
            return new Tokens(
                    accessToken,
                    expiresIn,
                    refreshToken,
                    refreshExpiresIn,
                    user,
                    token,
                    sessionId,
                    mfaEnrollmentRequired);
        }
    }
}
