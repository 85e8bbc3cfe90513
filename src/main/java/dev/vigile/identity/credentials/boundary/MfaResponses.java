package dev.vigile.identity.credentials.boundary;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** Bodies of the multi-factor answers. */
public final class MfaResponses {
    private MfaResponses() {}

    /** {@code 202} of a login whose user has MFA: no tokens, the second step's token. */
    @JsonbPropertyOrder({"mfa_required", "mfa_token", "expires_in", "methods"})
    public record Challenge(
            @JsonbProperty("mfa_required") boolean mfaRequired,
            @JsonbProperty("mfa_token") String mfaToken,
            @JsonbProperty("expires_in") long expiresIn,
            List<String> methods) {}

    /** Recovery codes, shown once. */
    public record RecoveryCodes(List<String> recoveryCodes) {}
}
