package dev.vigile.notifications.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which shared notifications reach a reader and which it has read, worked out from the copy. */
class SharedFeedTest {
    /**
     * Ids 10 to 15: to everyone at 100, to A at 200, to everyone at 300, to B at 400, to everyone
     * at 140 (its id taken before 12's and 13's times but sent earlier: ids and times need not agree),
     * and to A at 500.
     */
    static final SharedFeed.Snapshot TABLE = new SharedFeed.Snapshot(
            java.util.UUID.randomUUID(),
            new long[] {10, 11, 12, 13, 14, 15},
            new long[] {100, 200, 300, 400, 140, 500},
            new String[] {null, "A", null, "B", null, "A"});

    static SharedFeed.Reader reader(long[] reads, SharedFeed.Mark... marks) {
        return new SharedFeed.Reader(150, Set.of("A"), reads, List.of(marks));
    }

    @Test
    void aReaderFindsWhatWasSentSinceItExistsToEveryoneOrToItsRoles() {
        SharedFeed.Reader r = reader(new long[0]);
        assertEquals(new SharedFeed.Counts(3, 3), SharedFeed.count(TABLE, r), "11, 12 and 15");
        assertArrayEquals(new long[] {15, 12, 11}, SharedFeed.first(TABLE, r, false, null, null, false, 10));
        assertArrayEquals(new long[] {11, 12, 15}, SharedFeed.first(TABLE, r, true, null, null, false, 10));
        assertArrayEquals(new long[] {15, 12}, SharedFeed.first(TABLE, r, false, null, null, false, 2));
        assertArrayEquals(new long[] {12}, SharedFeed.first(TABLE, r, false, 11L, 15L, false, 10), "between");
        assertArrayEquals(new long[0], SharedFeed.first(TABLE, r, true, 15L, null, false, 10), "none after the last");
        SharedFeed.Reader exactlyAtTheSending = new SharedFeed.Reader(200, Set.of("A"), new long[0], List.of());
        assertEquals(new SharedFeed.Counts(3, 3), SharedFeed.count(TABLE, exactlyAtTheSending), "sent at its creation");
        SharedFeed.Reader noRole = new SharedFeed.Reader(0, Set.of(), new long[0], List.of());
        assertEquals(new SharedFeed.Counts(3, 3), SharedFeed.count(TABLE, noRole), "10, 12 and 14");
    }

    @Test
    void readsOneByOneCountWhateverTheirOrder() {
        SharedFeed.Reader r = reader(new long[] {15, 11, 13});
        assertEquals(new SharedFeed.Counts(3, 1), SharedFeed.count(TABLE, r), "13 does not reach it: no effect");
        assertArrayEquals(new long[] {12}, SharedFeed.first(TABLE, r, false, null, null, true, 10));
    }

    @Test
    void aMarkCoversUpToItsIdWhatReachedTheRolesHeldThen() {
        // Read all at 12 while holding no role: 12 is read, 11 (to A) is not, 15 came later.
        SharedFeed.Reader before = reader(new long[0], new SharedFeed.Mark(12, Set.of()));
        assertEquals(new SharedFeed.Counts(3, 2), SharedFeed.count(TABLE, before));
        assertArrayEquals(new long[] {15, 11}, SharedFeed.first(TABLE, before, false, null, null, true, 10));
        // A later mark holding A covers 11 and 12; 15 is still above it.
        SharedFeed.Reader later =
                reader(new long[0], new SharedFeed.Mark(12, Set.of()), new SharedFeed.Mark(13, Set.of("A")));
        assertEquals(new SharedFeed.Counts(3, 1), SharedFeed.count(TABLE, later));
        assertArrayEquals(new long[] {15}, SharedFeed.first(TABLE, later, true, null, null, true, 10));
        // In any order: each role is covered through the highest mark that held it.
        SharedFeed.Reader unordered = reader(
                new long[0],
                new SharedFeed.Mark(13, Set.of("A")),
                new SharedFeed.Mark(10, Set.of("A", "B")),
                new SharedFeed.Mark(12, Set.of()));
        assertEquals(new SharedFeed.Counts(3, 1), SharedFeed.count(TABLE, unordered));
        SharedFeed.Reader all = reader(new long[0], new SharedFeed.Mark(15, Set.of("A", "B")));
        assertEquals(new SharedFeed.Counts(3, 0), SharedFeed.count(TABLE, all));
        assertArrayEquals(new long[0], SharedFeed.first(TABLE, all, false, null, null, true, 10));
    }

    @Test
    void anEmptyTableReachesNobody() {
        SharedFeed.Snapshot empty =
                new SharedFeed.Snapshot(java.util.UUID.randomUUID(), new long[0], new long[0], new String[0]);
        assertEquals(new SharedFeed.Counts(0, 0), SharedFeed.count(empty, reader(new long[] {3})));
        assertArrayEquals(new long[0], SharedFeed.first(empty, reader(new long[0]), false, null, null, false, 20));
    }
}
