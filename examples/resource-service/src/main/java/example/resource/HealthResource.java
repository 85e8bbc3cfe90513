package example.resource;

import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code GET /ready}: 200 once the shared-signals stream is polled, 503 before. */
@Path("ready")
@RequestScoped
public class HealthResource {
    @Inject
    SharedSignals signals;

    @GET
    @PermitAll
    public Response ready() {
        return Response.status(signals.ready() ? 200 : 503).build();
    }
}
