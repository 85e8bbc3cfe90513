package dev.vigile.common.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigile.common.problem.ApplicationException;
import org.junit.jupiter.api.Test;

class EmailsTest {
    @Test
    void normalisesCaseAndSpace() {
        assertEquals("ann@example.com", Emails.normalize("email", "  Ann@EXAMPLE.com\t"));
        assertEquals(
                "zoe@xn--exmple-cua.org",
                Emails.normalize("email", "Zoe@Exa\u0308mple.org"),
                "an internationalised domain is kept and mailed in its ASCII form (issue 33, point 7)");
        assertEquals("zoe@xn--exmple-cua.org", Emails.normalize("email", "zoe@xn--exmple-cua.org"));
        assertEquals("zoe@xn--exmple-cua.org", Emails.lookupKey("ZOE@exämple.org"), "a login finds the same key");
        assertEquals(
                "a.b+tag!#$%&'*/=?^_`{|}~-@sub-1.example.co",
                Emails.normalize("email", "A.B+tag!#$%&'*/=?^_`{|}~-@Sub-1.Example.CO"));
        assertEquals("root@localhost", Emails.normalize("email", "root@localhost"));
    }

    @Test
    void aDomainWithAnIdnaDeviationIsRefusedNotMappedToAnotherDomain() {
        // IDNA 2003 would map straße.de to strasse.de: another domain, another owner.
        assertThrows(ApplicationException.class, () -> Emails.normalize("email", "ann@straße.de"));
        assertThrows(ApplicationException.class, () -> Emails.normalize("email", "ann@ς.gr"));
        assertEquals(
                "ann@xn--strae-oqa.de", Emails.normalize("email", "ann@xn--strae-oqa.de"), "its xn-- form is accepted");
        assertEquals("ann@straße.de", Emails.lookupKey("Ann@Straße.de"), "a lookup never maps it either");
    }

    @Test
    void aLookupFindsAddressesStoredUnderOlderRules() {
        assertEquals(
                "zoë@exämple.org".replace("exämple", "xn--exmple-cua"), Emails.forLookup("email", "Zoë@Exämple.org"));
        assertEquals("a..b@x.test", Emails.forLookup("email", "a..b@x.test"));
        assertEquals("\"q\"@x.test", Emails.forLookup("email", "\"q\"@x.test"));
        for (String bad : new String[] {
            "", "plain", "a@", "@b.c", "a b@c.d", "a@b..c", "a\u200b@x.test", "x".repeat(250) + "@b.cd"
        }) {
            assertThrows(ApplicationException.class, () -> Emails.forLookup("email", bad), bad);
        }
    }

    @Test
    void refusesWhatIsNotAnAddress() {
        for (String bad : new String[] {
            "",
            "plain",
            "a@",
            "@b.c",
            "a b@c.d",
            "a@b..c",
            "x".repeat(250) + "@b.cd",
            // issue 33, point 10: a quoted local part is the same mailbox as the bare one; markup.
            "\"mallory\"@x",
            "\"a b\"@x.test",
            "<svg/onload=alert(1)>@x",
            "a<b@x.test",
            "a\"b@x.test",
            "a(comment)@x.test",
            "a@[127.0.0.1]",
            "a@b@c.test",
            "zoë@example.org",
            ".a@x.test",
            "a.@x.test",
            "a..b@x.test",
            "a@-x.test",
            "a@x-.test",
            "a@x_y.test",
            "a@" + "x".repeat(64) + ".test",
            "a@x.test.",
            "a\u0000@x.test",
            "x".repeat(65) + "@x.test"
        }) {
            assertThrows(ApplicationException.class, () -> Emails.normalize("email", bad), bad);
        }
    }
}
