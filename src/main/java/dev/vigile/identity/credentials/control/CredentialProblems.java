package dev.vigile.identity.credentials.control;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemTypes;

/** The refusals the credential use cases share. */
final class CredentialProblems {
    private CredentialProblems() {}

    /** 409: the password was checked against credentials that a credential event replaced since. */
    static ApplicationException credentialsChanged() {
        return ApplicationException.conflict(
                "Your password or sessions changed while this request ran; sign in again and retry.");
    }

    /** 400 {@code invalid-token}: a mailed link that is unknown, expired, used or voided. */
    static ApplicationException invalidToken() {
        return new ApplicationException(
                400,
                ProblemTypes.INVALID_TOKEN,
                "Invalid token",
                "The link is invalid, expired, already used, or replaced by a newer one.");
    }

    /**
     * 403 for a token that may only enroll, when the account already holds a passkey: the password
     * alone must not add a factor to an account whose role requires one and which has one (whoever
     * knows the password would add theirs, then sign in with it). The owner signs in with the passkey.
     */
    static void refuseEnrollmentOverAPasskey(boolean enrollOnly, dev.vigile.identity.accounts.entity.User user) {
        if (enrollOnly && user.passkeyCount() > 0) {
            throw overAPasskey();
        }
    }

    static ApplicationException overAPasskey() {
        return ApplicationException.forbidden("This account has a passkey: sign in with it to add another factor.");
    }
}
