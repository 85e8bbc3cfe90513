package dev.vigile.identity.accounts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigile.common.problem.ApplicationException;
import org.junit.jupiter.api.Test;

class UserQueriesTest {
    @Test
    void likeWildcardsInSearchTextAreLiteral() {
        assertEquals("50\\%\\_off\\\\", UserQueries.escapeLike("50%_off\\"));
    }

    @Test
    void filtersAreNormalisedOrRefused() {
        UserQueries.Filter f = UserQueries.Filter.parse("  Ada ", "ADMIN", "false");
        assertEquals("ada", f.q());
        assertEquals("ADMIN", f.role());
        assertEquals(Boolean.FALSE, f.enabled());
        UserQueries.Filter none = UserQueries.Filter.parse(" ", null, "");
        assertNull(none.q());
        assertNull(none.enabled());
        ApplicationException e = assertThrows(
                ApplicationException.class, () -> UserQueries.Filter.parse("x".repeat(101), "admin", "yes"));
        assertEquals(3, e.errors().size());
    }

    @Test
    void aPageOfAnySizeUsesOneOfEightQueriesWithEnoughParameters() {
        java.util.Set<String> queries = new java.util.HashSet<>();
        for (int n = 1; n <= dev.vigile.common.pagination.PageRequest.MAX_SIZE; n++) {
            int slots = UserQueries.slots(n);
            assertTrue(slots >= n && slots < 2 * n, n + " ids in " + slots + " slots");
            assertEquals(1, Integer.bitCount(slots));
            String q = UserQueries.usersById(slots);
            assertTrue(q.endsWith(":i" + (slots - 1) + ")"), q);
            assertFalse(q.contains(":i" + slots + ")") || q.contains(":i" + slots + ","), q);
            queries.add(q);
        }
        assertEquals(8, queries.size());
    }
}
