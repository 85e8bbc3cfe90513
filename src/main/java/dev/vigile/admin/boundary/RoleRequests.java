package dev.vigile.admin.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of {@code /api/admin/roles}. Unknown properties are refused. */
public final class RoleRequests {
  private RoleRequests() {}

  /** {@code POST /api/admin/roles}. */
  public record Create(
      @NotNull String name, @Size(max = 255) String description, @NotNull @Size(max = 64) List<String> permissions) {}

  /** {@code PUT /api/admin/roles/{name}}: the role's new description and permissions. */
  public record Update(@Size(max = 255) String description, @NotNull @Size(max = 64) List<String> permissions) {}
}
