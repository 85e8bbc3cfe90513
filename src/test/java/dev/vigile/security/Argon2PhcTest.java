package dev.vigile.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

class Argon2PhcTest {
    static final String PASSWORD = "plum kite oboe ☂";

    /** The encoder Vigile used before: Bouncy Castle's Argon2 without a pool, and its own codec. */
    static final Argon2PasswordEncoder SPRING = new Argon2PasswordEncoder(16, 32, 1, 19456, 2);

    @Test
    void eachReadsWhatTheOtherWrote() {
        Argon2Phc ours = new Argon2Phc(19456, 2, 1, 16, 32, 2);
        String mine = ours.encode(PASSWORD);
        assertTrue(mine.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), mine);
        assertTrue(SPRING.matches(PASSWORD, mine), "Spring's encoder reads our hash");
        assertFalse(SPRING.matches(PASSWORD + " ", mine));

        String theirs = SPRING.encode(PASSWORD);
        assertTrue(ours.matches(PASSWORD, theirs), "we read Spring's hash");
        assertFalse(ours.matches("plum kite oboe ☔", theirs));
        // Its stated cost is what is used, not the encoder's: a t=3 hash verifies with a t=2 encoder.
        String stronger = new Argon2PasswordEncoder(16, 32, 1, 19456, 3).encode(PASSWORD);
        assertTrue(ours.matches(PASSWORD, stronger));
        assertEquals(
                Optional.of(new Argon2Phc.Cost("argon2id", 19456, 3, 1)),
                Argon2Phc.read(stronger).map(Argon2Phc.Stored::cost));
    }

    @Test
    void pooledBlocksGiveTheSameHashesUnderConcurrency() throws Exception {
        // Blocks go back to the pool and are reused by the next hash: a block not wiped, or shared
        // by two hashes at once, would give a hash Spring's unpooled encoder does not accept.
        Argon2Phc ours = new Argon2Phc(19456, 2, 1, 16, 32, 2);
        hashTwelveOnFourThreads(ours, SPRING::matches, ours::matches);
    }

    /**
     * Twelve hashes written by {@code writer} from four threads at once; {@code reader} accepts
     * each with its own password and {@code refuser} refuses each with the next one.
     */
    private static void hashTwelveOnFourThreads(
            Argon2Phc writer,
            java.util.function.BiPredicate<String, String> reader,
            java.util.function.BiPredicate<String, String> refuser)
            throws Exception {
        ExecutorService four = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> hashes = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String password = PASSWORD + i;
                hashes.add(four.submit(() -> writer.encode(password)));
            }
            for (int i = 0; i < hashes.size(); i++) {
                String hash = hashes.get(i).get();
                assertTrue(reader.test(PASSWORD + i, hash), "hash " + i);
                assertFalse(refuser.test(PASSWORD + (i + 1), hash), "hash " + i + " with the next password");
            }
        } finally {
            four.shutdownNow();
        }
    }

    @Test
    void aHashAllocatesAFractionOfItsMemoryOnceThePoolIsFilled() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Argon2Phc ours = new Argon2Phc(19456, 2, 1, 16, 32, 1);
        String hash = ours.encode(PASSWORD);
        SPRING.encode(PASSWORD);
        long t = Thread.currentThread().getId();

        long before = threads.getThreadAllocatedBytes(t);
        assertTrue(ours.matches(PASSWORD, hash));
        long pooled = threads.getThreadAllocatedBytes(t) - before;

        before = threads.getThreadAllocatedBytes(t);
        assertTrue(SPRING.matches(PASSWORD, hash));
        long unpooled = threads.getThreadAllocatedBytes(t) - before;

        assertTrue(unpooled > 19456L * 1024, "Spring's encoder allocates the hash's memory: " + unpooled);
        assertTrue(pooled < 1024 * 1024, "a pooled hash allocates under 1 MiB: " + pooled);
    }

    @Test
    void libargon2LoadsHereAndWritesWhatBouncyCastleReads() throws Exception {
        Argon2Phc nat = new Argon2Phc(19456, 2, 1, 16, 32, 2, true);
        Argon2Phc java = new Argon2Phc(19456, 2, 1, 16, 32, 2, false);
        // Linux on x86-64, where Vigile runs and CI tests: the bundled library must load.
        assertEquals("libargon2", nat.engine());
        assertEquals("bouncy-castle", java.engine());

        String written = nat.encode(PASSWORD);
        assertEquals(1, nat.nativeDerivations());
        assertTrue(
                written.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"),
                written);
        assertTrue(java.matches(PASSWORD, written), "Bouncy Castle reads libargon2's hash");
        assertTrue(SPRING.matches(PASSWORD, written), "Spring's encoder reads libargon2's hash");
        assertFalse(java.matches(PASSWORD + " ", written));
        assertTrue(nat.matches(PASSWORD, java.encode(PASSWORD)), "libargon2 reads Bouncy Castle's hash");
        assertFalse(nat.matches("plum kite oboe ☔", java.encode(PASSWORD)));
        assertEquals(3, nat.nativeDerivations());
        assertEquals(0, java.nativeDerivations());

        // Other stated costs, lengths and salts (4 bytes: libargon2 wants 8, Bouncy Castle decides),
        // and passwords beyond Latin-1 (both hash the same UTF-8).
        for (String password : new String[] {"", "x", "密码密码密码", "emoji \uD83D\uDD11 key", "a".repeat(128)}) {
            for (Argon2PasswordEncoder other : new Argon2PasswordEncoder[] {
                new Argon2PasswordEncoder(8, 16, 1, 19456, 3),
                new Argon2PasswordEncoder(16, 64, 2, 8192, 2),
                new Argon2PasswordEncoder(4, 32, 1, 8192, 2)
            }) {
                String theirs = other.encode(password);
                assertTrue(nat.matches(password, theirs), password + " " + theirs);
                assertFalse(nat.matches(password + "!", theirs), password + " " + theirs);
            }
        }

        // Hashes at once from four threads on two permits' worth: each is right.
        hashTwelveOnFourThreads(nat, java::matches, java::matches);
    }

    @Test
    void argon2iAndArgon2dHashesAreStillCheckedByBouncyCastle() {
        Argon2Phc nat = new Argon2Phc(19456, 2, 1, 16, 32, 1, true);
        byte[] salt = "sixteen byte slt".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (String variant : new String[] {"argon2i", "argon2d"}) {
            int type = variant.equals("argon2i")
                    ? org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_i
                    : org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_d;
            var generator = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
            generator.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(type)
                    .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(4096)
                    .withIterations(3)
                    .withParallelism(1)
                    .withSalt(salt)
                    .build());
            byte[] out = new byte[32];
            generator.generateBytes(PASSWORD.toCharArray(), out);
            java.util.Base64.Encoder b64 = java.util.Base64.getEncoder().withoutPadding();
            String phc =
                    "$" + variant + "$v=19$m=4096,t=3,p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
            assertTrue(nat.matches(PASSWORD, phc), phc);
            assertFalse(nat.matches(PASSWORD + "x", phc), phc);
        }
    }

    @Test
    void anythingButASaneReadablePhcStringIsNoMatchNotAnException() {
        for (boolean preferNative : new boolean[] {false, true}) {
            anythingButASaneReadablePhcStringIsNoMatch(new Argon2Phc(19456, 2, 1, 16, 32, 1, preferNative));
        }
    }

    private static void anythingButASaneReadablePhcStringIsNoMatch(Argon2Phc ours) {
        String good = ours.encode(PASSWORD);
        String salt = good.split("\\$")[4];
        String hash = good.split("\\$")[5];
        for (String bad : new String[] {
            null,
            "",
            "\u0000",
            good + "\u0000",
            good.replace("$v=19", "$v=16"),
            good.replace("argon2id", "argon2x"),
            good.replace("$" + hash, "$"),
            good.replace("$" + salt + "$", "$$"),
            good.replace("$" + hash, "$A"), // one base64 character is no byte string
            good.replace("$" + hash, "$AAAA"), // a 3-byte hash: Argon2 outputs at least 4
            good.replace("m=19456", "m=7"), // below 8 blocks a lane
            good.replace("m=19456", "m=999999999"), // beyond any heap: refused, not attempted
            good.replace("t=2", "t=0"),
            good.replace("p=1", "p=0"),
            good.replace("$argon2id$", "$argon2id$$"),
            good.replace(",", ";"),
            good + "$x",
            good.replace(hash, hash.substring(0, 42) + "\u0410"), // a Cyrillic look-alike of A
        }) {
            assertFalse(ours.matches(PASSWORD, bad), String.valueOf(bad));
        }
        assertTrue(ours.matches(PASSWORD, good));
        assertEquals(Optional.empty(), Argon2Phc.read("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA"));
        // What parses but cannot be checked is not read either, so callers send it to their dummy.
        assertEquals(Optional.empty(), Argon2Phc.read(good.replace("m=19456", "m=999999999")));
        assertEquals(Optional.empty(), Argon2Phc.read(good.replace("$" + hash, "$A")));
    }

    @Test
    void aCostAboveOneGibibyteIsRefusedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new Argon2Phc((1 << 20) + 1, 2, 1, 16, 32, 1));
        assertThrows(IllegalArgumentException.class, () -> new Argon2Phc(19456, 2, 1, 16, 32, 0));
    }
}
