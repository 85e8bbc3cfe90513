package dev.vigile.identity.accounts.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.JoinTable;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** A named set of permissions. System roles ({@code USER}, {@code ADMIN}) cannot be deleted. */
@Entity
@Table(name = "roles")
public class Role {
    public static final String USER = "USER";
    public static final String ADMIN = "ADMIN";

    @Id
    private String name;

    private String description;

    @Column(name = "system")
    private boolean system;

    @Column(name = "created_at")
    private Instant createdAt;

    @ManyToMany(fetch = FetchType.EAGER)
    @JoinTable(
            name = "role_permissions",
            joinColumns = @JoinColumn(name = "role_name"),
            inverseJoinColumns = @JoinColumn(name = "permission_name"))
    private Set<Permission> permissions = new HashSet<>();

    protected Role() {}

    public Role(String name, String description, Set<Permission> permissions, Instant now) {
        this.name = name;
        this.description = description;
        this.system = false;
        this.createdAt = now;
        this.permissions = new HashSet<>(permissions);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public boolean system() {
        return system;
    }

    public Set<Permission> permissions() {
        return Set.copyOf(permissions);
    }

    /** Permission names, sorted. */
    public java.util.SortedSet<String> permissionNames() {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        permissions.forEach(p -> names.add(p.name()));
        return names;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public void describe(String description) {
        this.description = description;
    }

    public void grant(Set<Permission> newPermissions) {
        permissions.clear();
        permissions.addAll(newPermissions);
    }
}
