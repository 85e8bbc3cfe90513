package dev.vigile.identity.sessions.boundary;

import dev.vigile.identity.accounts.boundary.UserResponse;
import dev.vigile.identity.sessions.control.SignIn;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The token response, with RFC 6749's names so OAuth tooling understands it. */
@JsonbPropertyOrder({
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "refresh_expires_in",
    "device_token",
    "mfa_enrollment_required",
    "user"
})
public record TokenResponse(
        @JsonbProperty("access_token") String accessToken,
        @JsonbProperty("token_type") String tokenType,
        @JsonbProperty("expires_in") long expiresIn,
        @JsonbProperty("refresh_token") String refreshToken,
        @JsonbProperty("refresh_expires_in") long refreshExpiresIn,
        /** Logins only: present it at later logins ({@code deviceToken}); browsers get a cookie. */
        @JsonbProperty("device_token") String deviceToken,
        /** Present (true) when the user's role requires MFA and they must enroll before anything else. */
        @JsonbProperty("mfa_enrollment_required") Boolean mfaEnrollmentRequired,
        UserResponse user) {

    /** The browser form: the refresh token travels only in its HttpOnly cookie. */
    public static TokenResponse withoutRefreshToken(SignIn.Tokens t) {
        return new TokenResponse(
                t.accessToken(),
                "Bearer",
                t.expiresIn(),
                null,
                t.refreshExpiresIn(),
                null,
                enroll(t),
                t.user().as(UserResponse::new));
    }

    public static TokenResponse from(SignIn.Tokens t) {
        return new TokenResponse(
                t.accessToken(),
                "Bearer",
                t.expiresIn(),
                t.refreshToken(),
                t.refreshExpiresIn(),
                t.deviceToken(),
                enroll(t),
                t.user().as(UserResponse::new));
    }

    private static Boolean enroll(SignIn.Tokens t) {
        return t.mfaEnrollmentRequired() ? Boolean.TRUE : null;
    }
}
