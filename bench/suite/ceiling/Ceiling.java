package bench.ceiling;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** The framework's ceiling: a trivial JAX-RS endpoint deployed beside Vigile on the same Payara. */
@ApplicationPath("/api")
@ApplicationScoped
public class Ceiling extends Application {
    @Override
    public java.util.Set<Class<?>> getClasses() {
        return java.util.Set.of(Ping.class);
    }

    @Path("/ping")
    public static class Ping {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Boolean> ping() {
            return Map.of("ok", true);
        }
    }
}
