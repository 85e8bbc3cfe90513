package dev.vigile.common.pagination;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigile.common.problem.ApplicationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PageRequestTest {
    static final PageRequest.Sorts SORTS =
            new PageRequest.Sorts(Map.of("createdAt", "createdAt", "email", "email"), "createdAt", false);

    @Test
    void defaults() {
        PageRequest p = PageRequest.parse(null, null, null, SORTS);
        assertEquals(1, p.page());
        assertEquals(20, p.size());
        assertEquals("createdAt,desc", p.sort());
        assertEquals(0, p.offset());
        assertEquals(" order by u.createdAt desc, u.id desc", p.orderBy("u", "id"));
    }

    @Test
    void sortWithDirection() {
        assertEquals("email,asc", PageRequest.parse("2", "50", "email", SORTS).sort());
        assertEquals(
                "email,desc", PageRequest.parse("2", "50", "email,DESC", SORTS).sort());
        assertEquals(50, PageRequest.parse("2", "50", "email", SORTS).offset());
    }

    /** "sort createdAt (default desc)": the default field named alone keeps the default order. */
    @Test
    void theDefaultFieldNamedAloneKeepsItsDefaultDirection() {
        assertEquals(
                "createdAt,desc",
                PageRequest.parse(null, null, "createdAt", SORTS).sort());
        assertEquals(
                " order by u.createdAt desc, u.id desc",
                PageRequest.parse(null, null, " createdAt ", SORTS).orderBy("u", "id"));
        assertEquals(
                "createdAt,asc",
                PageRequest.parse(null, null, "createdAt,asc", SORTS).sort());
        // On a keyset list, the default field alone is the keyset order: before is accepted with it.
        assertEquals(true, PageRequest.parse(null, null, "id", null, KEYSET).keyset());
        assertEquals(42L, PageRequest.parse(null, null, "id", "42", KEYSET).before());
    }

    @Test
    void outOfRangeAndUnknownAre400WithFieldErrors() {
        for (String[] bad : new String[][] {
            {"0", null, null},
            {"x", null, null},
            {null, "101", null},
            {null, "0", null},
            {null, null, "password"},
            {null, null, "email,sideways"},
            {null, null, "email,asc,x"}
        }) {
            ApplicationException e =
                    assertThrows(ApplicationException.class, () -> PageRequest.parse(bad[0], bad[1], bad[2], SORTS));
            assertEquals(400, e.status());
            assertEquals(1, e.errors().size());
        }
    }

    @Test
    void pagesAreComputed() {
        PageRequest p = PageRequest.parse("1", "20", null, SORTS);
        assertEquals(3, Page.of(java.util.List.of(), p, 57).pages());
        assertEquals(0, Page.of(java.util.List.of(), p, 0).pages());
    }

    static final PageRequest.Sorts KEYSET =
            new PageRequest.Sorts(Map.of("id", "id", "at", "at"), "id", false, java.util.Set.of("id"));

    @Test
    void beforeMakesAKeysetPageInTheIdOrderOnly() {
        PageRequest p = PageRequest.parse(null, "5", null, "42", KEYSET);
        assertEquals(42L, p.before());
        assertEquals(0, p.offset());
        assertEquals(6, p.limit(), "one more than shown, to know whether a next page exists");
        assertEquals(true, p.keyset());
        assertEquals(
                false, PageRequest.parse(null, null, "at,desc", null, KEYSET).keyset());
        assertEquals(
                false, PageRequest.parse(null, null, "id,asc", null, KEYSET).keyset());
        assertEquals(null, PageRequest.parse(null, null, null, " ", KEYSET).before());
        Page<Integer> shown = Page.of(java.util.List.of(1, 2, 3, 4, 5, 6), p, 100);
        assertEquals(5, shown.items().size());
        assertEquals(true, shown.more());
        assertEquals(false, Page.of(java.util.List.of(1, 2), p, 100).more());
        for (String[] bad : new String[][] {
            {null, "0"},
            {null, "-3"},
            {null, "x"},
            {null, "99999999999999999999"},
            {null, "+4"},
            {"2", "4"},
            {"id,asc", "4"},
            {"at", "4"}
        }) {
            String page = bad[0] != null && bad[0].matches("\\d+") ? bad[0] : null;
            String sort = page == null ? bad[0] : null;
            ApplicationException e =
                    assertThrows(ApplicationException.class, () -> PageRequest.parse(page, null, sort, bad[1], KEYSET));
            assertEquals(1, e.errors().size(), java.util.Arrays.toString(bad));
        }
        assertThrows(ApplicationException.class, () -> PageRequest.parse(null, null, null, "4", SORTS));
    }
}
