package dev.vigile.users.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of {@code /api/users} and {@code /api/admin/users}. Unknown properties are refused. */
public final class UserRequests {
  private UserRequests() {}

  /** {@code PUT /api/users/me/password}. */
  public record PasswordChange(
      @NotNull @Size(max = 1024) String currentPassword, @NotNull String newPassword) {}

  /** {@code POST /api/users}. Email, password and name rules are checked by the service. */
  public record Create(
      @NotNull String email,
      @NotNull String password,
      String displayName,
      @Size(max = 32) List<String> roles,
      Boolean enabled) {}

  /** {@code PUT /api/admin/users/{id}/roles}. */
  public record Roles(@NotNull @Size(max = 32) List<String> roles) {}
}
