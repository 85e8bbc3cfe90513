package dev.vigile.identity.accounts.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 33, point 13: mailed links follow the run mode's port unless a public URL is set. */
class AccountMailTest {
    @Test
    void thePublicUrlWinsWithoutItsTrailingSlash() {
        assertEquals("https://id.example.com", AccountMail.linkBase(Optional.of("https://id.example.com/"), "8181"));
    }

    @Test
    void withoutOneTheLinksFollowThePort() {
        assertEquals("http://localhost:8181", AccountMail.linkBase(Optional.empty(), "8181"));
        assertEquals("http://localhost:8080", AccountMail.linkBase(Optional.empty(), null));
        assertEquals("http://localhost:8080", AccountMail.linkBase(Optional.of(" "), "not a port"));
    }
}
