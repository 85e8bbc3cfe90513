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
    assertEquals(Optional.of(new Argon2Phc.Cost("argon2id", 19456, 3, 1)), Argon2Phc.read(stronger).map(Argon2Phc.Stored::cost));
  }

  @Test
  void pooledBlocksGiveTheSameHashesUnderConcurrency() throws Exception {
    // Blocks go back to the pool and are reused by the next hash: a block not wiped, or shared
    // by two hashes at once, would give a hash Spring's unpooled encoder does not accept.
    Argon2Phc ours = new Argon2Phc(19456, 2, 1, 16, 32, 2);
    ExecutorService four = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> hashes = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String password = PASSWORD + i;
        hashes.add(four.submit(() -> ours.encode(password)));
      }
      for (int i = 0; i < hashes.size(); i++) {
        String hash = hashes.get(i).get();
        assertTrue(SPRING.matches(PASSWORD + i, hash), "hash " + i);
        assertFalse(ours.matches(PASSWORD + (i + 1), hash), "hash " + i + " with the next password");
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
  void anythingButASaneReadablePhcStringIsNoMatchNotAnException() {
    Argon2Phc ours = new Argon2Phc(19456, 2, 1, 16, 32, 1);
    String good = ours.encode(PASSWORD);
    String salt = good.split("\\$")[4];
    String hash = good.split("\\$")[5];
    for (String bad : new String[] {
        null, "", "\u0000", good + "\u0000", good.replace("$v=19", "$v=16"), good.replace("argon2id", "argon2x"),
        good.replace("$" + hash, "$"), good.replace("$" + salt + "$", "$$"),
        good.replace("$" + hash, "$A"), // one base64 character is no byte string
        good.replace("$" + hash, "$AAAA"), // a 3-byte hash: Argon2 outputs at least 4
        good.replace("m=19456", "m=7"), // below 8 blocks a lane
        good.replace("m=19456", "m=999999999"), // beyond any heap: refused, not attempted
        good.replace("t=2", "t=0"), good.replace("p=1", "p=0"),
        good.replace("$argon2id$", "$argon2id$$"), good.replace(",", ";"), good + "$x",
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
