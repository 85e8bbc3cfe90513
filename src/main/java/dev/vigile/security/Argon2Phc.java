package dev.vigile.security;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2 hashes as PHC strings ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}, salt and hash
 * in unpadded base64 — what Spring Security's and password4j's encoders write and read), computed
 * by Bouncy Castle's Argon2.
 *
 * <p>Why not Spring's encoder, which Vigile used: it gives Bouncy Castle no block pool, so every
 * hash allocated its m KiB afresh (19 MiB at OWASP's minimum cost) as 1 KiB blocks that lived as
 * long as the hash, long enough to be copied by young collections and promoted. Here every hash
 * draws its blocks from one pool sized for the hashes that may run at once, and Bouncy Castle
 * wipes each block before giving it back: what a hash allocates is bounded and reused.
 *
 * <p>Only the codec is ours: the format, and the constant-time comparison.
 */
public final class Argon2Phc {
  /** A stored hash's parameters, as its PHC string states them. */
  public record Cost(String variant, int memoryKib, int iterations, int parallelism) {}

  /** The most memory a stored hash may ask for (1 GiB): anything above would exhaust the heap. */
  static final int MAX_MEMORY_KIB = 1 << 20;

  private static final Pattern PHC = Pattern.compile(
      "^\\$(argon2id|argon2i|argon2d)\\$v=19\\$m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,3})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$");
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

  private final int memoryKib;
  private final int iterations;
  private final int parallelism;
  private final int saltBytes;
  private final int hashBytes;
  private final Argon2BytesGenerator.BlockPool pool;
  private final SecureRandom random = new SecureRandom();

  /**
   * An Argon2id encoder at this cost; its pool keeps the blocks of {@code concurrentHashes}
   * hashes at this cost (a hash of a higher stored cost allocates the rest, and they are dropped).
   */
  public Argon2Phc(int memoryKib, int iterations, int parallelism, int saltBytes, int hashBytes, int concurrentHashes) {
    if (memoryKib > MAX_MEMORY_KIB || concurrentHashes < 1) {
      throw new IllegalArgumentException("Argon2 memory above " + MAX_MEMORY_KIB + " KiB or no hash allowed at once");
    }
    this.memoryKib = memoryKib;
    this.iterations = iterations;
    this.parallelism = parallelism;
    this.saltBytes = saltBytes;
    this.hashBytes = hashBytes;
    this.pool = new Argon2BytesGenerator.FixedBlockPool(
        Argon2BytesGenerator.getBlockCount(memoryKib, parallelism) * concurrentHashes);
  }

  /** A new hash of this password, with a fresh random salt, at this encoder's cost. */
  public String encode(CharSequence password) {
    byte[] salt = new byte[saltBytes];
    random.nextBytes(salt);
    byte[] hash = derive(Argon2Parameters.ARGON2_id, memoryKib, iterations, parallelism, salt, password, hashBytes);
    return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  /** The parameters a PHC string states, if it is one this codec reads. */
  public static Optional<Cost> cost(String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Cost(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
  }

  /**
   * Whether this password gives this PHC string's hash under its own parameters; false for
   * anything that is not a readable PHC string of a sane cost (never an exception).
   */
  public boolean matches(CharSequence password, String phc) {
    Matcher m = phc == null ? null : PHC.matcher(phc);
    if (m == null || !m.matches()) {
      return false;
    }
    int memory = Integer.parseInt(m.group(2));
    int passes = Integer.parseInt(m.group(3));
    int lanes = Integer.parseInt(m.group(4));
    if (memory > MAX_MEMORY_KIB || memory < 8 * lanes || passes < 1 || lanes < 1) {
      return false;
    }
    byte[] salt;
    byte[] expected;
    try {
      salt = B64_DECODER.decode(m.group(5));
      expected = B64_DECODER.decode(m.group(6));
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
    if (expected.length < 4) {
      return false;
    }
    int variant = switch (m.group(1)) {
      case "argon2id" -> Argon2Parameters.ARGON2_id;
      case "argon2i" -> Argon2Parameters.ARGON2_i;
      default -> Argon2Parameters.ARGON2_d;
    };
    byte[] actual;
    try {
      actual = derive(variant, memory, passes, lanes, salt, password, expected.length);
    } catch (IllegalArgumentException | IllegalStateException refused) {
      return false;
    }
    return MessageDigest.isEqual(actual, expected);
  }

  private byte[] derive(int variant, int memory, int passes, int lanes, byte[] salt, CharSequence password, int length) {
    Argon2Parameters parameters = new Argon2Parameters.Builder(variant)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(memory)
        .withIterations(passes)
        .withParallelism(lanes)
        .withSalt(salt)
        .withBlockPool(pool)
        .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(parameters);
    byte[] out = new byte[length];
    char[] chars = password.toString().toCharArray();
    try {
      generator.generateBytes(chars, out);
    } finally {
      java.util.Arrays.fill(chars, '\0');
    }
    return out;
  }
}
