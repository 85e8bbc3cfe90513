package dev.vigile.identity.credentials.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The mailed links' lifetimes, read once. */
@ApplicationScoped
public class CredentialSettings {
    @Inject
    @ConfigProperty(name = "vigile.password-reset.ttl", defaultValue = "PT30M")
    Duration resetTtl;

    @Inject
    @ConfigProperty(name = "vigile.verify-email.ttl", defaultValue = "PT24H")
    Duration verifyTtl;

    /** How long a reset link lives ({@code VIGILE_PASSWORD_RESET_TTL}). */
    public Duration resetTtl() {
        return resetTtl;
    }

    /** How long a verification or email-change link lives, and the window to verify an address ({@code VIGILE_VERIFY_EMAIL_TTL}). */
    public Duration verifyTtl() {
        return verifyTtl;
    }
}
