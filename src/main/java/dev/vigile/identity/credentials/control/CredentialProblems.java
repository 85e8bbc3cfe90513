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
}
