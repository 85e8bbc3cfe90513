package dev.vigile.identity.accounts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** A person who signs in. The email is stored normalized and is unique. */
@Entity
@Table(name = "users")
// Only changed columns are written.
@org.hibernate.annotations.DynamicUpdate
@NamedQuery(
        name = User.FIND_BY_EMAIL,
        query =
                "select distinct u from User u left join fetch u.roles r left join fetch r.permissions where u.email = :email")
@NamedQuery(
        name = User.FIND_BY_ID,
        query =
                "select distinct u from User u left join fetch u.roles r left join fetch r.permissions where u.id = :id")
// One query loads a user with roles and permissions (the role's permissions are otherwise loaded
// one role at a time, a query each, on every authenticated read).
public class User {
    public static final String FIND_BY_EMAIL = "User.findByEmail";
    public static final String FIND_BY_ID = "User.findById";

    @Id
    private UUID id;

    private String email;

    @Column(name = "display_name")
    private String displayName;

    @Column(name = "password_hash")
    private String passwordHash;

    private boolean enabled;

    @Column(name = "email_verified")
    private boolean emailVerified;

    /** The language mail is written in ({@code en}, {@code fr}), or null for the request's. */
    private String locale;

    /** Whether a confirmed TOTP factor guards sign-in (in step with {@code mfa_totp}). */
    @Column(name = "mfa_enabled", insertable = false)
    private boolean mfaEnabled;

    /** How many passkeys the user holds (in step with {@code passkeys}, kept by the credentials component). */
    @Column(name = "passkey_count", insertable = false)
    private int passkeyCount;

    /** Moved by every cut-off of the user's access tokens ({@code TokenCutoffs}); written in SQL only. */
    @Column(name = "token_generation", insertable = false, updatable = false)
    private long tokenGeneration;

    /** Moved when every session of the user ends; a login checks it did not move meanwhile. */
    @Column(name = "credential_epoch", insertable = false, updatable = false)
    private long credentialEpoch;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Column(name = "last_login_at")
    private Instant lastLoginAt;

    @Version
    private long version;

    @ManyToMany(fetch = FetchType.LAZY)
    @JoinTable(
            name = "user_roles",
            joinColumns = @JoinColumn(name = "user_id"),
            inverseJoinColumns = @JoinColumn(name = "role_name"))
    private Set<Role> roles = new HashSet<>();

    protected User() {}

    public User(UUID id, String email, String displayName, String passwordHash, Instant now) {
        this.id = Objects.requireNonNull(id, "id");
        this.email = Objects.requireNonNull(email, "email");
        this.displayName = displayName;
        this.passwordHash = Objects.requireNonNull(passwordHash, "passwordHash");
        this.enabled = true;
        this.createdAt = Objects.requireNonNull(now, "now");
        this.updatedAt = now;
    }

    public UUID id() {
        return id;
    }

    public String email() {
        return email;
    }

    public String displayName() {
        return displayName;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean emailVerified() {
        return emailVerified;
    }

    public String locale() {
        return locale;
    }

    public boolean mfaEnabled() {
        return mfaEnabled;
    }

    public long tokenGeneration() {
        return tokenGeneration;
    }

    public long credentialEpoch() {
        return credentialEpoch;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public Instant lastLoginAt() {
        return lastLoginAt;
    }

    public Set<Role> roles() {
        return Set.copyOf(roles);
    }

    /** Role names, sorted. */
    public Set<String> roleNames() {
        Set<String> names = new TreeSet<>();
        roles.forEach(r -> names.add(r.name()));
        return names;
    }

    /** Permission names granted through every role, sorted. */
    public Set<String> permissionNames() {
        Set<String> names = new TreeSet<>();
        roles.forEach(r -> r.permissions().forEach(p -> names.add(p.name())));
        return names;
    }

    public void recordLogin(Instant now) {
        this.lastLoginAt = Objects.requireNonNull(now);
    }

    public void rename(String displayName, Instant now) {
        this.displayName = displayName;
        this.updatedAt = now;
    }

    /** The address was proven: a mailed token sent to it came back. */
    public void markEmailVerified(Instant now) {
        this.emailVerified = true;
        this.updatedAt = now;
    }

    public int passkeyCount() {
        return passkeyCount;
    }

    public void setPasskeyCount(int count, Instant now) {
        this.passkeyCount = count;
        this.updatedAt = now;
    }

    public void setMfaEnabled(boolean on, Instant now) {
        this.mfaEnabled = on;
        this.updatedAt = now;
    }

    /** A verified change of address: the new one is verified by the same token. */
    public void changeEmail(String newEmail, Instant now) {
        this.email = Objects.requireNonNull(newEmail);
        this.emailVerified = true;
        this.updatedAt = now;
    }

    public void setLocale(String locale, Instant now) {
        this.locale = locale;
        this.updatedAt = now;
    }

    public void setEnabled(boolean enabled, Instant now) {
        this.enabled = enabled;
        this.updatedAt = now;
    }

    /** Replaces the user's roles. */
    public void assignRoles(Set<Role> newRoles, Instant now) {
        roles.clear();
        roles.addAll(newRoles);
        this.updatedAt = now;
    }
}
