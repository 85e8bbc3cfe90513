package dev.vigile.security;

import dev.vigile.common.problem.ApplicationException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Argon2id password hashing: Bouncy Castle's Argon2 (faster than password4j's at the same cost:
 * the benchmark suite measured 26.5 against 36 ms a hash) with pooled memory blocks
 * ({@link Argon2Phc}), PHC-formatted so each hash carries its parameters; hashes written by the
 * encoders Vigile used before (password4j's, then Spring Security's) are the same PHC strings,
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

  private Argon2Phc encoder;
  Semaphore permits;
  private Argon2Phc.Stored dummyHash;

  /** The outcome of a check; {@code needsRehash} when the stored cost is below the configured one. */
  public record Verification(boolean matches, boolean needsRehash) {}

  @PostConstruct
  void init() {
    if (memoryKib < 19456 || iterations < 2 || parallelism < 1) {
      throw new IllegalStateException(
          "Argon2id parameters below OWASP's minimum (m=19456 KiB, t=2, p=1)");
    }
    int n = maxConcurrent > 0 ? maxConcurrent : Runtime.getRuntime().availableProcessors();
    // As many hashes run at once as there are permits: the pool keeps that many hashes' blocks.
    encoder = new Argon2Phc(memoryKib, iterations, parallelism, SALT_BYTES, HASH_BYTES, n);
    permits = new Semaphore(n, true);
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    // Unknown emails are checked against this, so they cost what a real check costs.
    dummyHash = Argon2Phc.read(encoder.encode(HexFormat.of().formatHex(random))).orElseThrow();
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
    boolean weaker = stored
        .map(Argon2Phc.Stored::cost)
        .map(c -> !c.variant().equals("argon2id")
            || c.memoryKib() < memoryKib
            || c.iterations() < iterations
            || c.parallelism() < parallelism)
        .orElse(false);
    return new Verification(matches, matches && weaker);
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
      return work.get();
    } finally {
      permits.release();
    }
  }

  static String normalize(String password) {
    return Normalizer.normalize(password, Normalizer.Form.NFKC);
  }
}
