package dev.vigile.security;

import jakarta.enterprise.context.Dependent;
import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every throttle's limits, read once: each a list of {@code count/ISO-8601 duration} windows, all
 * of which must allow a try ({@code VIGILE_LOGIN_THROTTLE_ACCOUNT} and the rest, README). Injected
 * as {@code @Inject @ConfigProperties ThrottleSettings}.
 */
@ConfigProperties(prefix = "vigile")
@Dependent
public class ThrottleSettings {
    public static final String DEFAULT_ACCOUNT = "5/PT1M,10/PT15M,20/PT1H";
    public static final String DEFAULT_ADDRESS = "20/PT1M,100/PT1H";
    public static final String DEFAULT_DEVICE = "5/PT1M,10/PT15M,20/PT1H";
    public static final String DEFAULT_REGISTER = "10/PT1M,50/PT1H";
    public static final String DEFAULT_RESET_EMAIL = "3/PT15M,10/PT24H";
    public static final String DEFAULT_RESET_ADDRESS = "10/PT15M,50/PT24H";
    public static final String DEFAULT_VERIFY = "3/PT15M,10/PT24H";
    public static final String DEFAULT_MFA = "10/PT15M,30/PT24H";
    public static final String DEFAULT_PASSKEY_OPTIONS = "30/PT1M,300/PT1H";

    /** Sign-in failures of one account from devices it does not know. */
    @ConfigProperty(name = "login.throttle.account", defaultValue = DEFAULT_ACCOUNT)
    public String account = DEFAULT_ACCOUNT;

    /** Sign-in failures from one address. */
    @ConfigProperty(name = "login.throttle.address", defaultValue = DEFAULT_ADDRESS)
    public String address = DEFAULT_ADDRESS;

    /** Sign-in failures from one known device. */
    @ConfigProperty(name = "login.throttle.device", defaultValue = DEFAULT_DEVICE)
    public String device = DEFAULT_DEVICE;

    /** Registrations of taken addresses from one address. */
    @ConfigProperty(name = "register.throttle.address", defaultValue = DEFAULT_REGISTER)
    public String register = DEFAULT_REGISTER;

    /** Reset requests for one email. */
    @ConfigProperty(name = "password-reset.throttle.email", defaultValue = DEFAULT_RESET_EMAIL)
    public String resetEmail = DEFAULT_RESET_EMAIL;

    /** Reset requests from one address. */
    @ConfigProperty(name = "password-reset.throttle.address", defaultValue = DEFAULT_RESET_ADDRESS)
    public String resetAddress = DEFAULT_RESET_ADDRESS;

    /** Verification and email-change mails of one user. */
    @ConfigProperty(name = "verify-email.throttle", defaultValue = DEFAULT_VERIFY)
    public String verify = DEFAULT_VERIFY;

    /** Wrong second-factor codes of one user. */
    @ConfigProperty(name = "mfa.throttle", defaultValue = DEFAULT_MFA)
    public String mfa = DEFAULT_MFA;

    /** Passkey sign-in challenges asked for by one client address (each is a database row). */
    @ConfigProperty(name = "passkey-options.throttle.address", defaultValue = DEFAULT_PASSKEY_OPTIONS)
    public String passkeyOptions = DEFAULT_PASSKEY_OPTIONS;
}
