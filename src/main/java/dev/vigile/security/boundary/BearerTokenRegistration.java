package dev.vigile.security.boundary;

import dev.vigile.security.AccessTokenVerifier;
import jakarta.inject.Inject;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Logger;

/**
 * Makes {@link BearerTokenAuthModule} this application's authentication module. Listeners start
 * after the container's initializers, among them Jakarta Security's (Soteria), which registers its
 * bridge to Payara's MicroProfile JWT mechanism for the same application: this registration, for
 * the same layer and application, replaces it (Jakarta Authentication 3.0,
 * {@code registerServerAuthModule}).
 */
@WebListener
public class BearerTokenRegistration implements ServletContextListener {
    private static final Logger LOG = Logger.getLogger(BearerTokenRegistration.class.getName());

    @Inject
    AccessTokenVerifier verifier;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        String id = AuthConfigFactory.getFactory()
                .registerServerAuthModule(new BearerTokenAuthModule(verifier), event.getServletContext());
        LOG.fine(() -> "Bearer token authentication registered: " + id);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        AuthConfigFactory.getFactory().removeServerAuthModule(event.getServletContext());
    }
}
