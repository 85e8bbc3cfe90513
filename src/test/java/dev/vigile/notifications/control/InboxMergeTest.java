package dev.vigile.notifications.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** A page of both kinds from the first ids of each: order, offset, limit, and the kind kept. */
class InboxMergeTest {
    @Test
    void newestFirstWithAnOffset() {
        long[] own = {9, 6, 2};
        long[] shared = {8, 7, 3, 1};
        assertArrayEquals(new long[] {9, -8, -7, 6, -3}, InboxQueries.merge(own, shared, false, 0, 5));
        assertArrayEquals(new long[] {6, -3, 2}, InboxQueries.merge(own, shared, false, 3, 3));
        assertArrayEquals(new long[] {2, -1}, InboxQueries.merge(own, shared, false, 5, 20), "the rest");
    }

    @Test
    void oldestFirst() {
        assertArrayEquals(
                new long[] {-1, 2, -3, 6}, InboxQueries.merge(new long[] {2, 6, 9}, new long[] {1, 3}, true, 0, 4));
    }

    @Test
    void anOffsetPastBothKindsIsAnEmptyPage() {
        assertArrayEquals(new long[0], InboxQueries.merge(new long[] {5}, new long[] {4}, false, 2, 20));
        assertArrayEquals(new long[0], InboxQueries.merge(new long[] {5}, new long[] {4}, false, 1_000_000, 20));
        assertArrayEquals(new long[0], InboxQueries.merge(new long[0], new long[0], true, 0, 20));
        assertArrayEquals(new long[] {-4}, InboxQueries.merge(new long[0], new long[] {4}, true, 0, 20), "one kind");
    }
}
