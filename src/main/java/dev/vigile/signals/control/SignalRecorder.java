package dev.vigile.signals.control;

import dev.vigile.identity.Directory;
import dev.vigile.identity.events.MfaChanged;
import dev.vigile.identity.events.PasswordChanged;
import dev.vigile.identity.events.PasswordReset;
import dev.vigile.identity.events.RolesChanged;
import dev.vigile.identity.events.SessionsEnded;
import dev.vigile.identity.events.UserDeleted;
import dev.vigile.identity.events.UserDisabled;
import dev.vigile.identity.events.UserEnabled;
import dev.vigile.security.AccessTokenIssuer;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Turns identity's changes into security events, inside the changing transaction: an event is in
 * the outbox exactly when its change committed. One row per stream that requested its type and
 * did not remove the subject.
 */
@ApplicationScoped
public class SignalRecorder {
    @Inject
    Streams streams;

    @Inject
    Outbox outbox;

    @Inject
    Directory directory;

    @Inject
    AccessTokenIssuer issuer;

    @Inject
    Clock clock;

    /** Logout, logout-all, a revoked session, a refresh token's reuse, an admin's sign-out, a credential event. */
    void on(@Observes @Priority(300) SessionsEnded e) {
        Instant now = clock.instant();
        for (Map.Entry<UUID, UUID> owner :
                directory.sessionOwners(e.sessionIds()).entrySet()) {
            JsonObject subject = Json.createObjectBuilder()
                    .add("format", "complex")
                    .add("user", user(owner.getValue()))
                    .add(
                            "session",
                            Json.createObjectBuilder()
                                    .add("format", "opaque")
                                    .add("id", owner.getKey().toString()))
                    .build();
            record(EventTypes.SESSION_REVOKED, owner.getValue(), subject, timestamped(now), now);
        }
    }

    void on(@Observes @Priority(300) PasswordChanged e) {
        credential(e.userId(), "password", "update");
    }

    void on(@Observes @Priority(300) PasswordReset e) {
        credential(e.userId(), "password", "update");
    }

    void on(@Observes @Priority(300) MfaChanged e) {
        String change = switch (e.change()) {
            case "enabled" -> "create";
            case "recovery_codes" -> "update";
            default -> "delete";
        };
        credential(e.userId(), "app", change);
    }

    /** A passkey added or removed: a FIDO2 credential of the user changed. */
    void on(@Observes @Priority(300) dev.vigile.identity.events.PasskeyChanged e) {
        credential(e.userId(), "fido2-platform", "added".equals(e.change()) ? "create" : "delete");
    }

    /** The user's roles changed: {@code claims.roles} are the new ones (their permissions follow). */
    void on(@Observes @Priority(300) RolesChanged e) {
        Instant now = clock.instant();
        JsonObjectBuilder event = timestamped(now)
                .add(
                        "claims",
                        Json.createObjectBuilder().add("roles", Json.createArrayBuilder(new TreeSet<>(e.roles()))));
        record(EventTypes.TOKEN_CLAIMS_CHANGE, e.userId(), user(e.userId()), event, now);
    }

    /** A role's permissions changed: each holder's tokens carry other {@code groups} now. */
    void on(@Observes @Priority(300) dev.vigile.identity.events.RoleHoldersCutOff e) {
        Instant now = clock.instant();
        for (UUID holder : e.userIds()) {
            JsonObjectBuilder event =
                    timestamped(now).add("claims", Json.createObjectBuilder().add("role_changed", e.role()));
            record(EventTypes.TOKEN_CLAIMS_CHANGE, holder, user(holder), event, now);
        }
    }

    /** The email, which tokens carry as {@code upn}, changed. */
    void on(@Observes @Priority(300) dev.vigile.identity.events.EmailChanged e) {
        Instant now = clock.instant();
        JsonObjectBuilder event =
                timestamped(now).add("claims", Json.createObjectBuilder().add("upn", e.newEmail()));
        record(EventTypes.TOKEN_CLAIMS_CHANGE, e.userId(), user(e.userId()), event, now);
    }

    /**
     * Logout-all: besides one event per session it ended, one about the user, so that a receiver
     * refuses the user's tokens even when no session was live (the tokens are cut off all the same).
     */
    void on(@Observes @Priority(300) dev.vigile.identity.events.SignedOutEverywhere e) {
        Instant now = clock.instant();
        record(EventTypes.SESSION_REVOKED, e.userId(), user(e.userId()), timestamped(now), now);
    }

    void on(@Observes @Priority(300) UserDisabled e) {
        account(EventTypes.ACCOUNT_DISABLED, e.userId());
    }

    void on(@Observes @Priority(300) UserEnabled e) {
        account(EventTypes.ACCOUNT_ENABLED, e.userId());
    }

    void on(@Observes @Priority(300) UserDeleted e) {
        account(EventTypes.ACCOUNT_PURGED, e.userId());
    }

    private void credential(UUID userId, String type, String change) {
        Instant now = clock.instant();
        JsonObjectBuilder event = timestamped(now).add("credential_type", type).add("change_type", change);
        record(EventTypes.CREDENTIAL_CHANGE, userId, user(userId), event, now);
    }

    private void account(String type, UUID userId) {
        Instant now = clock.instant();
        record(type, userId, user(userId), Json.createObjectBuilder(), now);
    }

    private static JsonObjectBuilder timestamped(Instant now) {
        return Json.createObjectBuilder().add("event_timestamp", now.getEpochSecond());
    }

    /** RFC 9493 {@code iss_sub}: the user as Vigile's tokens name them. */
    JsonObject user(UUID userId) {
        return Json.createObjectBuilder()
                .add("format", "iss_sub")
                .add("iss", issuer.issuerName())
                .add("sub", userId.toString())
                .build();
    }

    private void record(String type, UUID userId, JsonObject subject, JsonObjectBuilder event, Instant now) {
        JsonObject payload = event.build();
        for (Streams.Stream stream : streams.receiving(type, userId)) {
            write(stream, type, subject, payload, now);
        }
    }

    /** One SET's claims for one stream (RFC 8417, SSF 1.0 section 4: {@code sub_id}, one event). */
    void write(Streams.Stream stream, String type, JsonObject subject, JsonObject payload, Instant now) {
        UUID jti = UUID.randomUUID();
        String claims = Json.createObjectBuilder()
                .add("iss", issuer.issuerName())
                .add("jti", jti.toString())
                .add("iat", now.getEpochSecond())
                .add("aud", stream.audience())
                .add("sub_id", subject)
                .add("events", Json.createObjectBuilder().add(type, payload))
                .build()
                .toString();
        outbox.add(stream.id(), jti, claims, now);
    }
}
