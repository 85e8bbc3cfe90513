package dev.vigile.identity.accounts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
