package dev.vigile.users.boundary;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.security.Permissions;
import dev.vigile.security.control.CurrentCaller;
import dev.vigile.users.control.UserRepository;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The signed-in user's own account. */
@Path("/users/me")
@RequestScoped
@DenyAll
@Produces(MediaType.APPLICATION_JSON)
public class UsersMeResource {
  @Inject JsonWebToken jwt;
  @Inject UserRepository users;

  /** {@code GET /api/users/me} : 200 the caller; 401 without a valid token. */
  @GET
  @RolesAllowed(Permissions.SIGNED_IN)
  public UserResponse me() {
    CurrentCaller caller = CurrentCaller.of(jwt);
    return users
        .findById(caller.userId())
        .map(UserResponse::from)
        .orElseThrow(() -> ApplicationException.notFound("The account no longer exists."));
  }
}
