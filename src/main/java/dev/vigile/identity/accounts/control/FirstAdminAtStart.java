package dev.vigile.identity.accounts.control;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/** At start, before requests: the first admin, if asked for and none exists (after the audit check). */
@ApplicationScoped
public class FirstAdminAtStart {
    @Inject
    AdminBootstrap bootstrap;

    void onStart(
            @Observes @Priority(Interceptor.Priority.APPLICATION + 100) @Initialized(ApplicationScoped.class)
                    Object started) {
        bootstrap.ensureFirstAdmin();
    }
}
