package dev.vigile.identity.accounts.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of {@code /api/admin/roles}. Unknown properties are refused. */
public final class RoleRequests {
    private RoleRequests() {}

    /** {@code POST /api/admin/roles}. */
    public static final class Create {
        @NotNull
        public String name;

        @Size(max = 255)
        public String description;

        @NotNull
        @Size(max = 64)
        public List<@NotNull String> permissions;

        public String name() {
            return name;
        }

        public String description() {
            return description;
        }

        public List<String> permissions() {
            return permissions;
        }
    }

    /** {@code PUT /api/admin/roles/{name}}: the role's new description and permissions. */
    public static final class Update {
        @Size(max = 255)
        public String description;

        @NotNull
        @Size(max = 64)
        public List<@NotNull String> permissions;

        public String description() {
            return description;
        }

        public List<String> permissions() {
            return permissions;
        }
    }
}
