package dev.vigile.identity.accounts.boundary;

import dev.vigile.identity.accounts.control.RoleService;
import java.util.List;

/** A role as clients see it. */
public record RoleResponse(String name, String description, List<String> permissions, boolean system, long userCount) {

    static RoleResponse from(RoleService.RoleView v) {
        return new RoleResponse(
                v.role().name(),
                v.role().description(),
                List.copyOf(v.role().permissionNames()),
                v.role().system(),
                v.userCount());
    }
}
