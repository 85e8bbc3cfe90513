package dev.vigile.identity.accounts.entity;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A named right, such as {@code users:read}; carried in the access token's {@code groups}. */
@Entity
@Table(name = "permissions")
public class Permission {
    @Id
    private String name;

    private String description;

    protected Permission() {}

    public Permission(String name, String description) {
        this.name = name;
        this.description = description;
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }
}
