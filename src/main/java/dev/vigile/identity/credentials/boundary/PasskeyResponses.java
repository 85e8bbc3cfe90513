package dev.vigile.identity.credentials.boundary;

import dev.vigile.identity.credentials.control.PasskeyAssertions;
import dev.vigile.identity.credentials.control.Passkeys;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Bodies of the passkey answers. */
public final class PasskeyResponses {
    private PasskeyResponses() {}

    /** A passkey: {@code id} is Vigile's, never the credential id; {@code lastUsedAt} null until a sign-in. */
    @jakarta.json.bind.annotation.JsonbNillable
    public record Passkey(UUID id, String name, Instant createdAt, Instant lastUsedAt, boolean backedUp) {
        public static Passkey from(Passkeys.Passkey p) {
            return new Passkey(p.id(), p.name(), p.createdAt(), p.lastUsedAt(), p.backedUp());
        }

        public static List<Passkey> from(List<Passkeys.Passkey> list) {
            return list.stream().map(Passkey::from).toList();
        }
    }

    /** A ceremony's options: its challenge's id, and what {@code parse*OptionsFromJSON} takes. */
    public record Ceremony(UUID challengeId, JsonObject publicKey) {
        public static Ceremony from(PasskeyAssertions.Options o) {
            return new Ceremony(o.challengeId(), o.publicKey());
        }
    }
}
