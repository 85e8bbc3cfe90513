package dev.vigile.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    static String rule(String password, String email) {
        return PasswordPolicy.check("password", password, email)
                .map(e -> e.message())
                .orElse("ok");
    }

    @Test
    void lengthCountsCodePointsNotUtf16Units() {
        assertEquals("ok", rule("🔐".repeat(8), null));
        assertTrue(rule("🔐".repeat(7), null).contains("between"));
        assertEquals("ok", rule("🔐".repeat(128), null));
        assertTrue(rule("🔐".repeat(129), null).contains("between"));
    }

    @Test
    void commonPasswordsAreRefusedInAnyCase() {
        assertTrue(PasswordPolicy.isCommon("password"));
        assertTrue(rule("Password1", null).contains("common"));
        assertTrue(rule("QWERTYUIOP", null).contains("common"));
        assertEquals("ok", rule("plum kite oboe", null));
    }

    @Test
    void theEmailIsNotAPassword() {
        assertTrue(rule(" Ann@Example.com ", "ann@example.com").contains("email"));
    }

    @Test
    void noCompositionRules() {
        assertEquals("ok", rule("alllowercaseletters", null));
    }
}
