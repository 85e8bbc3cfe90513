package dev.vigile.identity.sessions.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A sign-in: one refresh-token family. It ends when revoked, when unused for the idle lifetime,
 * or at its absolute expiry, whichever comes first.
 */
@Entity
@Table(name = "sessions")
public class Session {
    @Id
    private UUID id;

    @Column(name = "user_id")
    private UUID userId;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    @Column(name = "revoked_reason")
    private String revokedReason;

    private String ip;

    /** Whether the sign-in passed a second factor (RFC 8176 {@code otp}); refreshes keep it. */
    @Column(name = "mfa")
    private boolean mfa;

    @Column(name = "user_agent")
    private String userAgent;

    /**
     * How the sign-in was proven, the {@code amr} of the session's access tokens, space-separated
     * (RFC 8176: {@code pwd}, {@code otp}, {@code hwk}, {@code swk}, {@code user}); null for a
     * session older than passkeys, whose {@code amr} follows {@link #mfa}.
     */
    @Column(name = "amr")
    private String amr;

    /** The passkey that started the session, if one did: removing it ends the session. */
    @Column(name = "passkey_id")
    private UUID passkeyId;

    /** The SHA-256 of the browser's CSRF token bound to this session, or null for an API client's. */
    @Column(name = "csrf_hash")
    private String csrfHash;

    /**
     * The SHA-256 of the current refresh token's signed part (never the token); null for a session
     * started before V24, whose current token is still in {@code refresh_tokens}.
     */
    @Column(name = "refresh_hash", updatable = false)
    private String refreshHash;

    /** The number of the current refresh token (the first is 0): older ones are replays. */
    @Column(name = "refresh_rotation", updatable = false)
    private Long refreshRotation;

    /**
     * The session's own key, under which its refresh tokens are tagged. Both columns are written
     * here only when the session starts; a rotation writes them in one statement ({@code
     * Sessions.rotate}), never from a loaded entity.
     */
    @Column(name = "refresh_key", updatable = false)
    private byte[] refreshKey;

    protected Session() {}

    public Session(UUID id, UUID userId, Instant now, Duration absoluteTtl, String ip, String userAgent, boolean mfa) {
        this.mfa = mfa;
        this.id = Objects.requireNonNull(id);
        this.userId = Objects.requireNonNull(userId);
        this.createdAt = now;
        this.lastUsedAt = now;
        this.expiresAt = now.plus(absoluteTtl);
        this.ip = ip;
        this.userAgent = userAgent;
    }

    /** Records how the sign-in was proven, and the passkey it used, if any. */
    public void provenBy(java.util.List<String> amr, UUID passkeyId) {
        this.amr = String.join(" ", amr);
        this.passkeyId = passkeyId;
    }

    public String amr() {
        return amr;
    }

    /** Holds its first refresh token (the hash of its signed part) and the key that tags its tokens. */
    public void holdRefresh(String hash, byte[] key) {
        this.refreshHash = hash;
        this.refreshRotation = 0L;
        this.refreshKey = key.clone();
    }

    /** Binds a browser's CSRF token (its hash) to the session, as it starts. */
    public void bindCsrf(String hash) {
        this.csrfHash = hash;
    }

    public boolean mfa() {
        return mfa;
    }

    public UUID id() {
        return id;
    }

    public UUID userId() {
        return userId;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    /** The absolute end of the session. */
    public Instant expiresAt() {
        return expiresAt;
    }

    public Instant revokedAt() {
        return revokedAt;
    }

    public String ip() {
        return ip;
    }

    public String userAgent() {
        return userAgent;
    }

    /** When the session ends if it is not used again. */
    public Instant endsAt(Duration idleTtl) {
        return endsAt(lastUsedAt, expiresAt, idleTtl);
    }

    /** When a session last used at {@code lastUsedAt} ends if it is not used again. */
    public static Instant endsAt(Instant lastUsedAt, Instant expiresAt, Duration idleTtl) {
        Instant idleEnd = lastUsedAt.plus(idleTtl);
        return idleEnd.isBefore(expiresAt) ? idleEnd : expiresAt;
    }
}
