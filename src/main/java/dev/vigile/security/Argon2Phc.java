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
 * by libargon2 where it loads ({@link NativeArgon2}, Argon2id only), else by Bouncy Castle's Argon2.
 *
 * <p>Why not Spring's encoder, which Vigile used: it gives Bouncy Castle no block pool, so every
 * hash allocated its m KiB afresh (19 MiB at OWASP's minimum cost) as 1 KiB blocks that lived as
 * long as the hash, long enough to be copied by young collections and promoted. Here every hash
 * draws its blocks from one pool sized for the hashes that may run at once, and Bouncy Castle
 * wipes each block before giving it back: what a hash allocates is bounded and reused. (With
 * libargon2 the pool stays empty: the C library allocates and wipes its own memory.)
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
    private final java.util.concurrent.atomic.LongAdder derivations = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder nativeDerivations = new java.util.concurrent.atomic.LongAdder();
    private final NativeArgon2 nativeArgon2;

    /**
     * An Argon2id encoder at this cost; its pool keeps the blocks of {@code concurrentHashes}
     * hashes at this cost (a hash of a higher stored cost allocates the rest, and they are dropped).
     */
    public Argon2Phc(
            int memoryKib, int iterations, int parallelism, int saltBytes, int hashBytes, int concurrentHashes) {
        this(memoryKib, iterations, parallelism, saltBytes, hashBytes, concurrentHashes, false);
    }

    /**
     * As above; with {@code preferNative}, Argon2id hashes are computed by libargon2 where it loads
     * and passes its self-test (see {@link #engine()}).
     */
    public Argon2Phc(
            int memoryKib,
            int iterations,
            int parallelism,
            int saltBytes,
            int hashBytes,
            int concurrentHashes,
            boolean preferNative) {
        if (memoryKib > MAX_MEMORY_KIB || concurrentHashes < 1) {
            throw new IllegalArgumentException(
                    "Argon2 memory above " + MAX_MEMORY_KIB + " KiB or no hash allowed at once");
        }
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.saltBytes = saltBytes;
        this.hashBytes = hashBytes;
        this.pool = new Argon2BytesGenerator.FixedBlockPool(
                Argon2BytesGenerator.getBlockCount(memoryKib, parallelism) * concurrentHashes);
        this.nativeArgon2 = preferNative ? NativeArgon2.load() : null;
    }

    /** What computes this encoder's Argon2id hashes: {@code libargon2} or {@code bouncy-castle}. */
    public String engine() {
        return nativeArgon2 != null ? "libargon2" : "bouncy-castle";
    }

    /** A new hash of this password, with a fresh random salt, at this encoder's cost. */
    public String encode(CharSequence password) {
        byte[] salt = new byte[saltBytes];
        random.nextBytes(salt);
        byte[] hash = derive(Argon2Parameters.ARGON2_id, memoryKib, iterations, parallelism, salt, password, hashBytes);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * A stored hash read from its PHC string: its parameters, salt and expected hash. Only strings
     * of a sane cost with decodable salt and hash are read; {@link #read} refuses the rest.
     */
    public static final class Stored {
        private final Cost cost;
        private final byte[] salt;
        private final byte[] hash;

        private Stored(Cost cost, byte[] salt, byte[] hash) {
            this.cost = cost;
            this.salt = salt;
            this.hash = hash;
        }

        public Cost cost() {
            return cost;
        }
    }

    /**
     * Reads a PHC string this codec can check a password against: empty for anything malformed,
     * of an insane cost (more than 1 GiB, fewer than 8 blocks a lane, no pass or lane) or with a
     * salt or hash that is not base64 (never an exception).
     */
    public static Optional<Stored> read(String phc) {
        Matcher m = phc == null ? null : PHC.matcher(phc);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        int memory = Integer.parseInt(m.group(2));
        int passes = Integer.parseInt(m.group(3));
        int lanes = Integer.parseInt(m.group(4));
        if (memory > MAX_MEMORY_KIB || memory < 8 * lanes || passes < 1 || lanes < 1) {
            return Optional.empty();
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = B64_DECODER.decode(m.group(5));
            expected = B64_DECODER.decode(m.group(6));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        if (expected.length < 4) {
            return Optional.empty(); // Argon2 outputs at least 4 bytes
        }
        return Optional.of(new Stored(new Cost(m.group(1), memory, passes, lanes), salt, expected));
    }

    /** Whether this password gives this PHC string's hash; false for anything {@link #read} refuses. */
    public boolean matches(CharSequence password, String phc) {
        return read(phc).map(stored -> matches(password, stored)).orElse(false);
    }

    /** Whether this password gives the stored hash under the stored hash's own parameters. */
    public boolean matches(CharSequence password, Stored stored) {
        Cost c = stored.cost;
        byte[] actual;
        try {
            int variant = switch (c.variant()) {
                case "argon2id" -> Argon2Parameters.ARGON2_id;
                case "argon2i" -> Argon2Parameters.ARGON2_i;
                default -> Argon2Parameters.ARGON2_d; // the pattern admits no other
            };
            actual = derive(
                    variant, c.memoryKib(), c.iterations(), c.parallelism(), stored.salt, password, stored.hash.length);
        } catch (IllegalArgumentException | IllegalStateException refused) {
            return false;
        }
        return MessageDigest.isEqual(actual, stored.hash);
    }

    /** How many hashes this encoder has computed (encodings and checks). */
    long derivations() {
        return derivations.sum();
    }

    /** How many of them libargon2 computed. */
    long nativeDerivations() {
        return nativeDerivations.sum();
    }

    private byte[] derive(
            int variant, int memory, int passes, int lanes, byte[] salt, CharSequence password, int length) {
        derivations.increment();
        char[] chars = password.toString().toCharArray();
        // Both engines hash the same bytes: Bouncy Castle's UTF-8 encoding of the characters.
        byte[] bytes = org.bouncycastle.util.Strings.toUTF8ByteArray(chars);
        try {
            // libargon2 refuses what Bouncy Castle computes: an empty password (no policy allows one,
            // but a stored hash of one still gets its answer) and salts under 8 bytes.
            if (nativeArgon2 != null && variant == Argon2Parameters.ARGON2_id && bytes.length > 0 && salt.length >= 8) {
                nativeDerivations.increment();
                return nativeArgon2.argon2id(memory, passes, lanes, salt, bytes, length);
            }
            return javaArgon2(variant, pool, memory, passes, lanes, salt, bytes, length);
        } finally {
            java.util.Arrays.fill(chars, '\0');
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Bouncy Castle's Argon2 of these password bytes, with blocks from {@code pool} (or none). */
    static byte[] javaArgon2(
            int variant,
            Argon2BytesGenerator.BlockPool pool,
            int memory,
            int passes,
            int lanes,
            byte[] salt,
            byte[] password,
            int length) {
        Argon2Parameters.Builder parameters = new Argon2Parameters.Builder(variant)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memory)
                .withIterations(passes)
                .withParallelism(lanes)
                .withSalt(salt);
        if (pool != null) {
            parameters.withBlockPool(pool);
        }
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters.build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }
}
