package dev.vigile.security.control;

import dev.vigile.security.LoginThrottle;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads the signing keys while the application deploys (before it serves requests), then looks
 * for new or rotated keys every minute, so every member of a cluster publishes a new key well
 * before any member signs with it; expired throttle rows go at the same pace.
 */
@ApplicationScoped
public class KeysAtStart {
    private static final Logger LOG = Logger.getLogger(KeysAtStart.class.getName());

    @Inject
    LoginThrottle throttle;

    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperties
    dev.vigile.security.JwtSettings jwt;

    @Inject
    @org.eclipse.microprofile.config.inject.ConfigProperties
    dev.vigile.security.KeyEncryptionKeys keys;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> refresh;

    void onStart(
            @Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE + 100) @Initialized(ApplicationScoped.class)
                    Object started) {
        SigningKeyService.ensureLoaded(jwt, keys);
        refresh = scheduler.scheduleWithFixedDelay(this::refresh, 1, 1, TimeUnit.MINUTES);
    }

    private void refresh() {
        try {
            SigningKeyService.refresh(jwt, keys);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not refresh signing keys; keeping the current ones", e);
        }
        throttle.removeExpired();
    }

    @PreDestroy
    void stop() {
        if (refresh != null) {
            refresh.cancel(false);
        }
    }
}
