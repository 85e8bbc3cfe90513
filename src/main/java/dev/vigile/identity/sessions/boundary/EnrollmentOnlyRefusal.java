package dev.vigile.identity.sessions.boundary;

import dev.vigile.common.Permissions;
import dev.vigile.common.problem.AccessRefused;
import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.ProblemTypes;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A token that may only enroll a second factor (its user's role requires MFA) is refused
 * elsewhere with a 403 that says what to do, rather than the bare "forbidden".
 */
@ApplicationScoped
public class EnrollmentOnlyRefusal {
    void onRefused(@Observes @Priority(AccessRefused.ENROLLMENT_ONLY) AccessRefused refused) {
        if (refused.answer() == null
                && refused.security() != null
                && refused.security().getUserPrincipal() instanceof JsonWebToken jwt
                && jwt.getGroups() != null
                && jwt.getGroups().contains(Permissions.MFA_ENROLLMENT)) {
            refused.answerWith(new ApplicationException(
                    403,
                    ProblemTypes.MFA_ENROLLMENT_REQUIRED,
                    "MFA enrollment required",
                    "Your role requires two-step verification: turn it on (POST /api/users/me/mfa/totp, then"
                            + " /api/users/me/mfa/totp/confirm) before anything else."));
        }
    }
}
