package dev.vigile.identity.boundary;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Request bodies of {@code /api/users} and {@code /api/admin/users}. Unknown properties are refused. */
public final class UserRequests {
  private UserRequests() {}

  /** {@code PUT /api/users/me/password}. */
  public static final class PasswordChange {
    @NotNull @Size(max = 1024) public String currentPassword;
    @NotNull public String newPassword;

    public String currentPassword() {
      return currentPassword;
    }

    public String newPassword() {
      return newPassword;
    }
  }

  /** {@code POST /api/users}. Email, password and name rules are checked by the service. */
  public static final class Create {
    @NotNull public String email;
    @NotNull public String password;
    public String displayName;
    @Size(max = 32) public List<@NotNull String> roles;
    public Boolean enabled;

    public String email() {
      return email;
    }

    public String password() {
      return password;
    }

    public String displayName() {
      return displayName;
    }

    public List<String> roles() {
      return roles;
    }

    public Boolean enabled() {
      return enabled;
    }
  }

  /** {@code PUT /api/admin/users/{id}/roles}. */
  public static final class Roles {
    @NotNull @Size(max = 32) public List<@NotNull String> roles;

    public List<String> roles() {
      return roles;
    }
  }
}
