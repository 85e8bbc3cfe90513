package dev.vigile.signals.control;

import java.util.List;

/** The event types Vigile transmits: CAEP 1.0, RISC 1.0 and SSF's verification. */
public final class EventTypes {
    static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
    static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";

    public static final String SESSION_REVOKED = CAEP + "session-revoked";
    public static final String CREDENTIAL_CHANGE = CAEP + "credential-change";
    public static final String TOKEN_CLAIMS_CHANGE = CAEP + "token-claims-change";
    public static final String ACCOUNT_DISABLED = RISC + "account-disabled";
    public static final String ACCOUNT_ENABLED = RISC + "account-enabled";
    public static final String ACCOUNT_PURGED = RISC + "account-purged";
    public static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";

    /** What a stream may request; verification events are sent whatever it requested. */
    public static final List<String> SUPPORTED = List.of(
            SESSION_REVOKED, CREDENTIAL_CHANGE, TOKEN_CLAIMS_CHANGE, ACCOUNT_DISABLED, ACCOUNT_ENABLED, ACCOUNT_PURGED);

    public static final String POLL = "urn:ietf:rfc:8936";
    public static final String PUSH = "urn:ietf:rfc:8935";

    private EventTypes() {}
}
