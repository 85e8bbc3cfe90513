package dev.vigile.identity.accounts.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of {@code /api/users} and {@code /api/admin/users}. Unknown properties are refused. */
public final class UserRequests {
    private UserRequests() {}

    /** {@code PUT /api/users/me/password}. */
    public static final class PasswordChange {
        @NotNull
        @Size(max = 1024)
        public String currentPassword;

        @NotNull
        public String newPassword;

        public String currentPassword() {
            return currentPassword;
        }

        public String newPassword() {
            return newPassword;
        }
    }

    /** {@code POST /api/users}. Email, password and name rules are checked by the service. */
    public static final class Create {
        @NotNull
        public String email;

        @NotNull
        public String password;

        public String displayName;

        @Size(max = 32)
        public List<@NotNull String> roles;

        public Boolean enabled;

        public String email() {
            return email;
        }

        public String password() {
            return password;
        }

        public String displayName() {
            return displayName;
        }

        public List<String> roles() {
            return roles;
        }

        public Boolean enabled() {
            return enabled;
        }
    }

    /** {@code PUT /api/admin/users/{id}/roles}. */
    public static final class Roles {
        @NotNull
        @Size(max = 32)
        public List<@NotNull String> roles;

        public List<String> roles() {
            return roles;
        }
    }

    /** {@code PUT /api/users/me/email}. */
    public static final class EmailChange {
        @NotNull
        @Size(max = 320)
        public String newEmail;

        @NotNull
        @Size(max = 1024)
        public String currentPassword;

        public String newEmail() {
            return newEmail;
        }

        public String currentPassword() {
            return currentPassword;
        }
    }

    /** {@code POST /api/users/me/mfa/totp}. */
    public static final class MfaEnroll {
        @NotNull
        @Size(max = 1024)
        public String currentPassword;

        public String currentPassword() {
            return currentPassword;
        }
    }

    /** {@code POST /api/users/me/mfa/totp/confirm} and {@code POST /api/users/me/mfa/recovery-codes}. */
    public static final class MfaCode {
        @NotNull
        @Size(max = 16)
        public String code;

        public String code() {
            return code;
        }
    }

    /** {@code DELETE /api/users/me/mfa}. */
    public static final class MfaDisable {
        @NotNull
        @Size(max = 1024)
        public String currentPassword;

        @NotNull
        @Size(max = 16)
        public String code;

        public String currentPassword() {
            return currentPassword;
        }

        public String code() {
            return code;
        }
    }
}
