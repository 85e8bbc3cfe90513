package dev.vigile.auth.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Request bodies of {@code /api/auth}. Unknown properties are refused by the JSON layer. */
public final class AuthRequests {
  private AuthRequests() {}

  /** {@code POST /api/auth/register}. Email and password rules are checked by the service. */
  public record Register(
      @NotNull String email, @NotNull String password, @Size(max = 100) String displayName) {}

  /** {@code POST /api/auth/login}. */
  public record Login(@NotNull @Size(max = 320) String email, @NotNull @Size(max = 1024) String password) {}

  /** {@code POST /api/auth/refresh} and {@code POST /api/auth/logout}. */
  public record Refresh(@NotNull @Size(max = 512) String refreshToken) {}
}
