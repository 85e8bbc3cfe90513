package dev.vigile.common.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigile.common.problem.ApplicationException;
import org.junit.jupiter.api.Test;

class EmailsTest {
  @Test
  void normalisesCaseAndSpace() {
    assertEquals("ann@example.com", Emails.normalize("email", "  Ann@EXAMPLE.com\t"));
    assertEquals("zoë@exämple.org", Emails.normalize("email", "Zoe\u0308@Exämple.org"));
  }

  @Test
  void refusesWhatIsNotAnAddress() {
    for (String bad : new String[] {"", "plain", "a@", "@b.c", "a b@c.d", "a@b..c", "x".repeat(250) + "@b.cd"}) {
      assertThrows(ApplicationException.class, () -> Emails.normalize("email", bad), bad);
    }
  }
}
