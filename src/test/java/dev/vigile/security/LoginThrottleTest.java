package dev.vigile.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    static LoginThrottle throttle(String account, String address) {
        LoginThrottle t = new LoginThrottle();
        t.settings.account = account;
        t.settings.address = address;
        t.buckets = LoginThrottle.inMemory();
        t.init();
        return t;
    }

    @Test
    void waitsGrowWithTheNumberOfFailures() {
        LoginThrottle t = throttle("2/PT10S,4/PT10M", "1000/PT1M");
        assertEquals(0, t.tryAttempt("a", "1.1.1.1"));
        assertEquals(0, t.tryAttempt("a", "1.1.1.1"));
        long first = t.tryAttempt("a", "1.1.1.1");
        assertTrue(first >= 1 && first <= 5, "first wait " + first);
        // Another account from the same address is not affected.
        assertEquals(0, t.tryAttempt("b", "1.1.1.1"));
    }

    @Test
    void successClearsTheAccountAndReturnsTheAddressToken() {
        LoginThrottle t = throttle("1/PT1H", "1/PT1H");
        assertEquals(0, t.tryAttempt("a", "1.1.1.1"));
        t.succeeded("a", "1.1.1.1");
        assertEquals(0, t.tryAttempt("a", "1.1.1.1"));
    }

    @Test
    void badPoliciesFailFast() {
        assertThrows(IllegalArgumentException.class, () -> LoginThrottle.parse("5 per minute"));
        assertThrows(RuntimeException.class, () -> LoginThrottle.parse("5/1m"));
    }
}
