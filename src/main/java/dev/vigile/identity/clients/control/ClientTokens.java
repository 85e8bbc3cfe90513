package dev.vigile.identity.clients.control;

import dev.vigile.audit.AuditActions;
import dev.vigile.audit.AuditEntry;
import dev.vigile.audit.AuditLog;
import dev.vigile.platform.persistence.UnitOfWork;
import dev.vigile.security.AccessTokenIssuer;
import dev.vigile.security.LoginThrottle;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The client credentials grant (RFC 6749 section 4.4): authenticates a service account by its
 * secret and issues its access token. Failures are throttled per client and address and per
 * address (a stranger's failures from elsewhere never lock a client out), audited, and all answer
 * alike, whatever was wrong.
 */
@ApplicationScoped
public class ClientTokens {
    @Inject
    ClientRegistry registry;

    @Inject
    AccessTokenIssuer issuer;

    @Inject
    LoginThrottle throttle;

    @Inject
    AuditLog audit;

    @Inject
    UnitOfWork work;

    @Inject
    Clock clock;

    /** How an attempt ended. */
    public sealed interface Outcome {}

    /** Authenticated: the client's ids and the secret that matched. */
    public record Authenticated(UUID id, String clientId, UUID secretId) implements Outcome {}

    /** Unknown client, wrong secret, disabled or expired: one answer for all. */
    public record Refused() implements Outcome {}

    /** Too many failures from here: wait this many seconds. */
    public record Throttled(long seconds) implements Outcome {}

    /** An issued token. */
    public record Issued(String accessToken, long expiresIn) {}

    /** Checks the client's credentials; counts and records a failure. */
    public Outcome authenticate(String clientId, String secret, String address) {
        String client = safe(clientId);
        long wait = throttle.clientWait(client, address);
        if (wait > 0) {
            return new Throttled(wait);
        }
        Optional<Authenticated> found = check(clientId, secret);
        if (found.isEmpty()) {
            throttle.clientFailed(client, address);
            audit.recordAlone(AuditEntry.failure(AuditActions.CLIENT_TOKEN_FAILED)
                    .target("client", client)
                    .detail("ip", address));
            return new Refused();
        }
        return found.get();
    }

    private Optional<Authenticated> check(String clientId, String secret) {
        if (clientId == null
                || secret == null
                || clientId.isEmpty()
                || clientId.length() > ClientSecrets.MAX_LENGTH
                || secret.length() > ClientSecrets.MAX_LENGTH
                || !ClientSecrets.wellFormed(clientId)) {
            return Optional.empty();
        }
        byte[] presented = ClientSecrets.hash(secret);
        Optional<ClientRegistry.Credentials> stored = work.call(() -> registry.credentials(clientId));
        Instant now = clock.instant();
        UUID matched = null;
        for (ClientRegistry.StoredSecret s :
                stored.map(ClientRegistry.Credentials::secrets).orElse(List.of())) {
            // Every stored secret is compared, in constant time, whatever matched before.
            boolean same = MessageDigest.isEqual(presented, s.hash());
            if (same && (s.expiresAt() == null || now.isBefore(s.expiresAt()))) {
                matched = s.id();
            }
        }
        if (stored.isEmpty() || matched == null) {
            return Optional.empty();
        }
        ClientRegistry.Credentials c = stored.get();
        if (!c.enabled() || (c.expiresAt() != null && !now.isBefore(c.expiresAt()))) {
            return Optional.empty();
        }
        return Optional.of(new Authenticated(c.id(), c.clientId(), matched));
    }

    /**
     * The client's access token, or empty when the client was disabled, expired, deleted or lost
     * the secret it authenticated with since it was checked: the groups, the generation and those
     * conditions are read in one statement, so a token minted across such a change is cut off by
     * it or not minted at. The use is noted and audited in the same unit of work.
     */
    public Optional<Issued> issue(Authenticated client, String address) {
        Optional<ClientRegistry.Grants> grants = work.call(() -> {
            Optional<ClientRegistry.Grants> current = registry.grants(client.id(), client.secretId(), clock.instant());
            if (current.isPresent()) {
                registry.used(client.id(), client.secretId(), clock.instant());
                audit.record(AuditEntry.success(AuditActions.CLIENT_TOKEN)
                        .actor(client.id(), AccessTokenIssuer.CLIENT_SUBJECT_PREFIX + client.clientId())
                        .target("client", client.id())
                        .detail("ip", address));
            }
            return current;
        });
        if (grants.isEmpty()) {
            return Optional.empty();
        }
        ClientRegistry.Grants g = grants.get();
        List<String> groups = new ArrayList<>(g.roles());
        groups.remove(dev.vigile.common.Permissions.SIGNED_IN);
        g.permissions().stream().filter(p -> !groups.contains(p)).forEach(groups::add);
        AccessTokenIssuer.AccessToken token =
                issuer.issueForClient(client.id(), client.clientId(), groups, g.generation(), g.expiresAt());
        return Optional.of(new Issued(token.value(), token.expiresIn()));
    }

    /** The permissions the client holds now, if it still may act (for a caller authenticated by its secret). */
    public Optional<List<String>> permissions(Authenticated client) {
        return work.call(() -> registry.grants(client.id(), client.secretId(), clock.instant()))
                .map(ClientRegistry.Grants::permissions);
    }

    /** A client id fit for a log or audit line: bounded, printable. */
    static String safe(String clientId) {
        if (clientId == null) {
            return "";
        }
        String s = clientId.length() > 64 ? clientId.substring(0, 64) : clientId;
        return s.replaceAll("[^A-Za-z0-9_-]", "?");
    }
}
