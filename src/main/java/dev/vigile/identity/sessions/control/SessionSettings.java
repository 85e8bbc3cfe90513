package dev.vigile.identity.sessions.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The sessions' settings, read once: lifetimes, MFA-requiring roles, verified addresses. */
@ApplicationScoped
public class SessionSettings {
    @Inject
    @ConfigProperty(name = "vigile.refresh.idle-ttl", defaultValue = "P7D")
    Duration idleTtl;

    @Inject
    @ConfigProperty(name = "vigile.refresh.absolute-ttl", defaultValue = "P30D")
    Duration absoluteTtl;

    @Inject
    @ConfigProperty(name = "vigile.mfa.challenge-ttl", defaultValue = "PT5M")
    Duration challengeTtl;

    @Inject
    @ConfigProperty(name = "vigile.login.device-ttl", defaultValue = "P365D")
    Duration deviceTtl;

    @Inject
    @ConfigProperty(name = "vigile.audit.refresh-interval", defaultValue = "PT1H")
    Duration refreshAuditInterval;

    @Inject
    @ConfigProperty(name = "vigile.mfa.required-roles")
    Optional<String> mfaRequiredRolesList;

    @Inject
    @ConfigProperty(name = "vigile.auth.require-verified-email", defaultValue = "false")
    boolean requireVerifiedEmail;

    private Set<String> mfaRequiredRoles;

    @PostConstruct
    void parse() {
        Set<String> roles = new HashSet<>();
        mfaRequiredRolesList.ifPresent(list -> {
            for (String role : list.split(",")) {
                if (!role.isBlank()) {
                    roles.add(role.strip());
                }
            }
        });
        mfaRequiredRoles = Set.copyOf(roles);
    }

    /** A session unused this long ends ({@code VIGILE_REFRESH_IDLE_TTL}). */
    public Duration idleTtl() {
        return idleTtl;
    }

    /** A session ends this long after its sign-in, used or not ({@code VIGILE_REFRESH_ABSOLUTE_TTL}). */
    public Duration absoluteTtl() {
        return absoluteTtl;
    }

    /** How long a sign-in waits for its second factor ({@code VIGILE_MFA_CHALLENGE_TTL}). */
    public Duration challengeTtl() {
        return challengeTtl;
    }

    /** A device token unused this long lapses ({@code VIGILE_LOGIN_DEVICE_TTL}). */
    public Duration deviceTtl() {
        return deviceTtl;
    }

    /**
     * A session's refreshes are audited at its first, whenever its address or user agent changes,
     * and otherwise at most once this long ({@code VIGILE_AUDIT_REFRESH_INTERVAL}; {@code PT0S}
     * audits every refresh).
     */
    public Duration refreshAuditInterval() {
        return refreshAuditInterval;
    }

    /** The roles named in {@code VIGILE_MFA_REQUIRED_ROLES}. */
    public Set<String> mfaRequiredRoles() {
        return mfaRequiredRoles;
    }

    /** Whether an account signs in only once its address is verified. */
    public boolean requireVerifiedEmail() {
        return requireVerifiedEmail;
    }
}
