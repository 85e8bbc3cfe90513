package dev.vigile.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.common.problem.ApplicationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    static PasswordHasher hasher(int iterations, int maxConcurrent) {
        return hasher(iterations, maxConcurrent, Duration.ofMillis(50));
    }

    static PasswordHasher hasher(int iterations, int maxConcurrent, Duration hashWait) {
        PasswordHasher h = new PasswordHasher();
        h.memoryKib = 19456;
        h.iterations = iterations;
        h.parallelism = 1;
        h.maxConcurrent = maxConcurrent;
        h.hashWait = hashWait;
        h.init();
        return h;
    }

    @Test
    void hashesCarryTheirParametersAndVerify() {
        PasswordHasher h = hasher(2, 0);
        String hash = h.hash("plum kite oboe");
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertEquals(new PasswordHasher.Verification(true, false), h.verify("plum kite oboe", hash));
        assertFalse(h.verify("plum kite obo", hash).matches());
        assertFalse(h.verify("plum kite oboe", null).matches(), "unknown user: dummy hash, no match");
        assertFalse(h.verify("plum kite oboe", "not a hash").matches());
    }

    @Test
    void aCheaperStoredHashAsksForARehash() {
        String old = hasher(2, 0).hash("plum kite oboe");
        PasswordHasher stronger = hasher(3, 0);
        assertEquals(new PasswordHasher.Verification(true, true), stronger.verify("plum kite oboe", old));
    }

    @Test
    void hashesWrittenByThePreviousEncoderStillVerifyAndWeakerOnesAreRehashed() {
        // password4j wrote Vigile's hashes until Bouncy Castle's Argon2 replaced it.
        String before = com.password4j.Password.hash(PasswordHasher.normalize("plum kite oboe"))
                .addRandomSalt(16)
                .with(com.password4j.Argon2Function.getInstance(19456, 2, 1, 32, com.password4j.types.Argon2.ID))
                .getResult();
        PasswordHasher h = hasher(2, 0);
        assertEquals(new PasswordHasher.Verification(true, false), h.verify("plum kite oboe", before));
        assertFalse(h.verify("plum kite obo", before).matches());
        assertEquals(new PasswordHasher.Verification(true, true), hasher(3, 0).verify("plum kite oboe", before));
        // And what the new encoder writes, the old one reads: the same PHC string.
        String after = h.hash("plum kite oboe");
        assertTrue(com.password4j.Password.check("plum kite oboe", after)
                .with(com.password4j.Argon2Function.getInstanceFromHash(after)));
        String argon2i = com.password4j.Password.hash("plum kite oboe")
                .addRandomSalt(16)
                .with(com.password4j.Argon2Function.getInstance(19456, 2, 1, 32, com.password4j.types.Argon2.I))
                .getResult();
        assertEquals(
                new PasswordHasher.Verification(true, true),
                h.verify("plum kite oboe", argon2i),
                "argon2i is re-hashed as argon2id");
        for (String broken : new String[] {
            "$argon2id$v=19$m=19456,t=2,p=1$$", "$argon2id$v=19$m=99999999999,t=2,p=1$AAAA$AAAA", "", "\u0000"
        }) {
            assertFalse(h.verify("plum kite oboe", broken).matches(), broken);
        }
    }

    @Test
    void everyCheckComputesExactlyOneHashWhateverIsStored() {
        // A stored value that cannot be checked must cost what a real check costs, or its answer's
        // timing tells it apart: each goes through the dummy hash, one computation each.
        PasswordHasher h = hasher(2, 0);
        String real = h.hash("plum kite oboe");
        String salt = real.split("\\$")[4];
        for (String stored : new String[] {
            real,
            null,
            "",
            "not a hash",
            "\u0000",
            real.replace("m=19456", "m=999999999"), // parses, but beyond 1 GiB: refused
            real.replace("m=19456", "m=7"),
            real.replace("t=2", "t=0"),
            real.replace("$" + salt + "$", "$A$"), // parses, but one base64 character is no byte
        }) {
            long before = h.derivations();
            assertFalse(h.verify("plum kite obo", stored).matches(), String.valueOf(stored));
            assertEquals(before + 1, h.derivations(), "one hash computed for " + stored);
        }
    }

    @Test
    void hashingIsBoundedAndAnOverlongWaitIs503() throws Exception {
        PasswordHasher h = hasher(2, 1);
        h.permits.acquire();
        try {
            ApplicationException e = assertThrows(ApplicationException.class, () -> h.hash("plum kite oboe"));
            assertEquals(503, e.status());
            assertEquals("1", e.headers().get("Retry-After"));
        } finally {
            h.permits.release();
        }
        assertTrue(h.hash("plum kite oboe").startsWith("$argon2id$"));
    }

    @Test
    void parametersBelowOwaspMinimumAreRefused() {
        assertThrows(IllegalStateException.class, () -> hasher(1, 0));
    }

    /**
     * libargon2's memory comes from the C allocator, which keeps a freed hash's 19 MiB in the arena
     * of the thread that freed it. Hashes requested from 24 threads run on the hasher's two, so the
     * process keeps about two hashes' memory, not one per requesting thread (310 MiB measured
     * when each request thread hashed on itself).
     */
    @Test
    void hashesFromManyThreadsKeepOnlyThePermitsWorthOfNativeMemory() throws Exception {
        PasswordHasher h = hasher(2, 2, Duration.ofMinutes(5));
        assertEquals("libargon2", h.engine());
        long before = residentKib();
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(24);
        try {
            java.util.List<java.util.concurrent.Future<String>> hashes = new java.util.ArrayList<>();
            for (int i = 0; i < 72; i++) {
                hashes.add(callers.submit(() -> h.hash("plum kite oboe")));
            }
            for (java.util.concurrent.Future<String> hash : hashes) {
                assertTrue(h.verify("plum kite oboe", hash.get()).matches());
            }
        } finally {
            callers.shutdownNow();
            h.stop();
        }
        long grown = residentKib() - before;
        assertTrue(grown < 150 * 1024, "resident memory grew by " + grown / 1024 + " MiB");
    }

    private static long residentKib() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }
}
