package dev.vigile.identity.sessions.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * Request bodies of {@code /api/auth}. Unknown properties are refused by the JSON layer. Classes
 * with record-style accessors, not records: Payara's OpenAPI generator gives records empty
 * schemas (docs/testing.md).
 */
public final class AuthRequests {
    private AuthRequests() {}

    /** {@code POST /api/auth/register}. Email and password rules are checked by the service. */
    public static final class Register {
        @NotNull
        public String email;

        @NotNull
        public String password;
        /** Checked by the service, by the rule every display name follows. */
        public String displayName;

        public String email() {
            return email;
        }

        public String password() {
            return password;
        }

        public String displayName() {
            return displayName;
        }
    }

    /** {@code POST /api/auth/login}. */
    public static final class Login {
        @NotNull
        @Size(max = 320)
        public String email;

        @NotNull
        @Size(max = 1024)
        public String password;
        /** The device token a earlier login handed out (browsers send the cookie instead). */
        @Size(max = 512)
        public String deviceToken;

        public String email() {
            return email;
        }

        public String deviceToken() {
            return deviceToken;
        }

        public String password() {
            return password;
        }
    }

    /**
     * {@code POST /api/auth/refresh} and {@code POST /api/auth/logout}; an empty object means the
     * browser session cookie.
     */
    public static final class Refresh {
        @Size(max = 512)
        public String refreshToken;

        public String refreshToken() {
            return refreshToken;
        }
    }

    /** {@code POST /api/auth/login/mfa}: the challenge's token and either code. */
    public static final class LoginMfa {
        @NotNull
        @Size(max = 512)
        public String mfaToken;

        @Size(max = 16)
        public String code;

        @Size(max = 64)
        public String recoveryCode;

        /** With {@code credential}: the passkey challenge ({@code /login/mfa/passkey-options}) answered. */
        @Size(max = 64)
        public String challengeId;

        /** An {@code AuthenticationResponseJSON}, instead of a code. */
        public jakarta.json.JsonObject credential;

        public String challengeId() {
            return challengeId;
        }

        public jakarta.json.JsonObject credential() {
            return credential;
        }

        public String mfaToken() {
            return mfaToken;
        }

        public String code() {
            return code;
        }

        public String recoveryCode() {
            return recoveryCode;
        }
    }

    /** {@code POST /api/auth/password-reset}. */
    public static final class ResetRequest {
        @NotNull
        @Size(max = 320)
        public String email;

        public String email() {
            return email;
        }
    }

    /** {@code POST /api/auth/password-reset/confirm}. */
    public static final class ResetConfirm {
        @NotNull
        @Size(max = 512)
        public String token;

        @NotNull
        public String newPassword;
        /** A TOTP or recovery code: required when the account has MFA. */
        @Size(max = 64)
        public String mfaCode;

        public String token() {
            return token;
        }

        public String newPassword() {
            return newPassword;
        }

        public String mfaCode() {
            return mfaCode;
        }
    }

    /** {@code POST /api/auth/verify-email}. */
    public static final class VerifyEmail {
        @NotNull
        @Size(max = 512)
        public String token;

        public String token() {
            return token;
        }
    }
}
