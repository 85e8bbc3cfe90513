package dev.vigile.identity.credentials.boundary;

import dev.vigile.common.problem.ApplicationException;
import jakarta.json.JsonObject;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/** Request bodies of the passkey routes (classes with accessors: see {@code AuthRequests}). */
public final class PasskeyRequests {
    private PasskeyRequests() {}

    /** The id of a ceremony's challenge: a UUID, else a 400 naming {@code challengeId}. */
    public static UUID challengeId(String raw) {
        try {
            return raw == null ? null : UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApplicationException.invalid("challengeId", "is not a challenge id");
        }
    }

    /** {@code POST /api/users/me/passkeys/options}. */
    public static final class Options {
        @NotNull
        @Size(max = 1024)
        public String currentPassword;

        public String currentPassword() {
            return currentPassword;
        }
    }

    /** {@code POST /api/users/me/passkeys}: a {@code RegistrationResponseJSON}, and a name. */
    public static final class Register {
        @NotNull
        @Size(max = 64)
        public String challengeId;

        @NotNull
        public JsonObject credential;

        /** 1–64 characters; "Passkey n" when left out. */
        @Size(max = 256)
        public String name;

        public String challengeId() {
            return challengeId;
        }

        public JsonObject credential() {
            return credential;
        }

        public String name() {
            return name;
        }
    }

    /** {@code PATCH /api/users/me/passkeys/{id}}. */
    public static final class Rename {
        @NotNull
        @Size(max = 256)
        public String name;

        public String name() {
            return name;
        }
    }

    /** {@code POST /api/auth/passkey}: an {@code AuthenticationResponseJSON} for a sign-in challenge. */
    public static final class SignIn {
        @NotNull
        @Size(max = 64)
        public String challengeId;

        @NotNull
        public JsonObject credential;

        /** The device token an earlier sign-in handed out (browsers send the cookie instead). */
        @Size(max = 512)
        public String deviceToken;

        public String challengeId() {
            return challengeId;
        }

        public JsonObject credential() {
            return credential;
        }

        public String deviceToken() {
            return deviceToken;
        }
    }

    /** {@code POST /api/auth/login/mfa/passkey-options}. */
    public static final class SecondFactorOptions {
        @NotNull
        @Size(max = 512)
        public String mfaToken;

        public String mfaToken() {
            return mfaToken;
        }
    }
}
