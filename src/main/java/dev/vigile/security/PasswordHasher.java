package dev.vigile.security;

import dev.vigile.common.problem.ApplicationException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Argon2id password hashing, PHC-formatted so each hash carries its parameters ({@link Argon2Phc}):
 * computed by libargon2, the reference C implementation, where it loads (1.3-1.5x less CPU than
 * Java code at the same cost, see {@link NativeArgon2}), else by Bouncy Castle's Argon2 with
 * pooled memory blocks (faster than password4j's: 26.5 against 36 ms a hash). Hashes written by
 * the encoders Vigile used before (password4j's, then Spring Security's) are the same PHC strings,
 * verify, and are re-hashed when weaker than the configured cost.
 * Hashes run under a bounded number of permits so a burst of logins cannot starve the server;
 * a caller that waits too long gets 503. Passwords are NFKC-normalised (NIST SP 800-63B 5.1.1.2)
 * so that the same password typed on different keyboards matches.
 */
@ApplicationScoped
public class PasswordHasher {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    @Inject
    @ConfigProperty(name = "vigile.password.argon2.memory-kib", defaultValue = "19456")
    int memoryKib;

    @Inject
    @ConfigProperty(name = "vigile.password.argon2.iterations", defaultValue = "2")
    int iterations;

    @Inject
    @ConfigProperty(name = "vigile.password.argon2.parallelism", defaultValue = "1")
    int parallelism;

    /** 0 means one per available processor. */
    @Inject
    @ConfigProperty(name = "vigile.password.max-concurrent-hashes", defaultValue = "0")
    int maxConcurrent;

    @Inject
    @ConfigProperty(name = "vigile.password.hash-wait", defaultValue = "PT5S")
    Duration hashWait;

    /** Argon2id by libargon2 (the reference C code) where it loads; false keeps Bouncy Castle's. */
    @Inject
    @ConfigProperty(name = "vigile.password.argon2.native", defaultValue = "true")
    boolean nativeArgon2 = true;

    private Argon2Phc encoder;
    Semaphore permits;
    private int concurrent;
    /**
     * The threads hashes run on, as many as the permits. libargon2 takes a hash's memory (19 MiB)
     * from the C allocator, which keeps a freed block in the arena of the thread that freed it for
     * that thread's next hash: run on any request thread, every one of them would come to hold its
     * own 19 MiB (measured: hashes asked for from 24 threads grew the process by 362 MiB when each
     * ran on its caller's thread; PasswordHasherTest keeps the growth under 150 MiB).
     */
    private ExecutorService hashingThreads;

    private Argon2Phc.Stored dummyHash;

    /** The outcome of a check; {@code needsRehash} when the stored cost is below the configured one. */
    public record Verification(boolean matches, boolean needsRehash) {}

    @PostConstruct
    void init() {
        if (memoryKib < 19456 || iterations < 2 || parallelism < 1) {
            throw new IllegalStateException("Argon2id parameters below OWASP's minimum (m=19456 KiB, t=2, p=1)");
        }
        int n = maxConcurrent > 0 ? maxConcurrent : Runtime.getRuntime().availableProcessors();
        // As many hashes run at once as there are permits: the pool keeps that many hashes' blocks.
        encoder = new Argon2Phc(memoryKib, iterations, parallelism, SALT_BYTES, HASH_BYTES, n, nativeArgon2);
        Logger.getLogger(PasswordHasher.class.getName())
                .info("Passwords are hashed with Argon2id (m=" + memoryKib + " KiB, t=" + iterations + ", p="
                        + parallelism + ") by " + encoder.engine() + ", " + n + " at once");
        permits = new Semaphore(n, true);
        concurrent = n;
        java.util.concurrent.atomic.AtomicInteger threadNumber = new java.util.concurrent.atomic.AtomicInteger();
        hashingThreads = Executors.newFixedThreadPool(n, work -> {
            Thread t = new Thread(work, "vigile-password-hashing-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        // Unknown emails are checked against this, so they cost what a real check costs.
        dummyHash =
                Argon2Phc.read(encoder.encode(HexFormat.of().formatHex(random))).orElseThrow();
    }

    public String hash(String password) {
        return bounded(() -> encoder.encode(normalize(password)));
    }

    /**
     * Checks a password against a stored hash; with a {@code null} hash, checks against a dummy
     * hash of the same cost and reports no match.
     */
    public Verification verify(String password, String storedHash) {
        java.util.Optional<Argon2Phc.Stored> stored = Argon2Phc.read(storedHash);
        // An unknown user, or a stored hash that cannot be checked (malformed, an insane cost, not
        // base64), is checked against the dummy: the same work and time either way.
        Argon2Phc.Stored target = stored.orElse(dummyHash);
        boolean matches = bounded(() -> encoder.matches(normalize(password), target)) && stored.isPresent();
        boolean weaker = stored.map(Argon2Phc.Stored::cost)
                .map(c -> !c.variant().equals("argon2id")
                        || c.memoryKib() < memoryKib
                        || c.iterations() < iterations
                        || c.parallelism() < parallelism)
                .orElse(false);
        return new Verification(matches, matches && weaker);
    }

    /** What computes the hashes: {@code libargon2} or {@code bouncy-castle}. */
    public String engine() {
        return encoder.engine();
    }

    /** The cost new hashes are written at, as a PHC string states it ({@code argon2id m=..,t=..,p=..}). */
    public String cost() {
        return "argon2id m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism;
    }

    /** How many hashes may run at once (the permits). */
    public long concurrentHashes() {
        return concurrent;
    }

    /** How many hashes this hasher has computed. */
    long derivations() {
        return encoder.derivations();
    }

    private <T> T bounded(Supplier<T> work) {
        boolean acquired;
        try {
            acquired = permits.tryAcquire(hashWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw ApplicationException.unavailable("The server is busy; retry shortly.", 1);
        }
        try {
            Future<T> done = hashingThreads.submit(work::get);
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return done.get();
                    } catch (InterruptedException e) {
                        // The hash runs to its end either way; the caller's interrupt is kept for later.
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            permits.release();
        }
    }

    @PreDestroy
    void stop() {
        if (hashingThreads != null) {
            hashingThreads.shutdownNow();
        }
    }

    static String normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }
}
