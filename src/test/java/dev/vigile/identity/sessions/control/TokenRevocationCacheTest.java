package dev.vigile.identity.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The revocation caches serve an answer while reloading it ahead of expiry; what matters is that
 * no answer older than the staleness bound is served, and that a reload overtaken by an
 * invalidation (a cut-off committed meanwhile) is thrown away.
 */
class TokenRevocationCacheTest {
    final AtomicLong nanos = new AtomicLong(1);
    final Ticker ticker = nanos::get;
    final ExecutorService executor = Executors.newSingleThreadExecutor();
    /** What the database holds now. */
    final AtomicReference<String> database = new AtomicReference<>("before");
    /** When set, a load reads the database, then waits for this gate before it returns. */
    volatile CountDownLatch gate;

    final CountDownLatch reading = new CountDownLatch(1);

    final LoadingCache<String, String> cache = TokenRevocation.cache(executor, ticker, 100, key -> {
        String read = database.get();
        CountDownLatch g = gate;
        if (g != null) {
            reading.countDown();
            assertTrue(g.await(10, TimeUnit.SECONDS));
        }
        return read;
    });

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** Waits until every reload the executor was given has finished and been stored or dropped. */
    private void settle() throws Exception {
        executor.submit(() -> {}).get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAgeingEntryIsServedWhileItReloadsThenReplaced() throws Exception {
        assertEquals("before", cache.get("u"));
        database.set("after");
        advance(TokenRevocation.REFRESH_AHEAD.plusSeconds(1));
        gate = new CountDownLatch(1);
        assertEquals("before", cache.get("u"), "served at once, reloaded behind");
        assertTrue(reading.await(10, TimeUnit.SECONDS), "the reload started");
        gate.countDown();
        settle();
        gate = null;
        assertEquals("after", cache.get("u"));
    }

    @Test
    void nothingOlderThanTheBoundIsServed() {
        assertEquals("before", cache.get("u"));
        database.set("after");
        advance(TokenRevocation.MAX_STALENESS.plusSeconds(1));
        assertEquals("after", cache.get("u"), "loaded before answering");
    }

    @Test
    void aReloadOvertakenByAnInvalidationIsDiscarded() throws Exception {
        assertEquals("before", cache.get("u"));
        advance(TokenRevocation.REFRESH_AHEAD.plusSeconds(1));
        gate = new CountDownLatch(1);
        assertEquals("before", cache.get("u"));
        assertTrue(reading.await(10, TimeUnit.SECONDS), "the reload read the old state");
        // A cut-off commits, and the cache is told, while the reload still holds the old state.
        database.set("after");
        cache.invalidate("u");
        gate.countDown();
        settle();
        gate = null;
        assertEquals("after", cache.get("u"), "the overtaken reload was not stored");
    }
}
