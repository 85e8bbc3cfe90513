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
    assertEquals("email,desc", PageRequest.parse("2", "50", "email,DESC", SORTS).sort());
    assertEquals(50, PageRequest.parse("2", "50", "email", SORTS).offset());
  }

  @Test
  void outOfRangeAndUnknownAre400WithFieldErrors() {
    for (String[] bad :
        new String[][] {
          {"0", null, null}, {"x", null, null}, {null, "101", null}, {null, "0", null},
          {null, null, "password"}, {null, null, "email,sideways"}, {null, null, "email,asc,x"}
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
}
