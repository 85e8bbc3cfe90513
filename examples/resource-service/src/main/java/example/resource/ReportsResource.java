package example.resource;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.TreeSet;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** Routes guarded by a role ({@code USER}, {@code ADMIN}) and by a permission ({@code users:read}). */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ReportsResource {
    @Inject
    JsonWebToken jwt;

    /** Any signed-in person. */
    @GET
    @Path("whoami")
    @RolesAllowed("USER")
    public JsonObject whoami() {
        return caller();
    }

    /** Whoever holds the permission {@code users:read}: a person or a service account. */
    @GET
    @Path("reports")
    @RolesAllowed("users:read")
    public JsonObject reports() {
        return caller();
    }

    /** Administrators only. */
    @GET
    @Path("admin")
    @RolesAllowed("ADMIN")
    public JsonObject admin() {
        return caller();
    }

    private JsonObject caller() {
        return Json.createObjectBuilder()
                .add("sub", jwt.getSubject())
                .add("groups", Json.createArrayBuilder(new TreeSet<>(jwt.getGroups())))
                .build();
    }
}
