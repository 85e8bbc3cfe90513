package dev.vigile.common.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAddressResolverTest {
    static ClientAddressResolver resolver(String trusted) {
        ClientAddressResolver r = new ClientAddressResolver();
        r.trustedProxies = Optional.of(trusted);
        r.init();
        return r;
    }

    static String resolve(ClientAddressResolver r, String peer, String... xff) {
        return r.resolve(peer, Collections.enumeration(List.of(xff)));
    }

    @Test
    void forwardedForIsIgnoredFromUntrustedPeers() {
        assertEquals("203.0.113.9", resolve(resolver(""), "203.0.113.9", "1.2.3.4"));
        assertEquals("203.0.113.9", resolve(resolver("10.0.0.0/8"), "203.0.113.9", "1.2.3.4"));
    }

    @Test
    void theRightmostUntrustedHopIsTheClient() {
        ClientAddressResolver r = resolver("10.0.0.0/8, ::1");
        assertEquals("198.51.100.7", resolve(r, "10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.5"));
        assertEquals("198.51.100.7", resolve(r, "::1", "198.51.100.7"));
        // A client-supplied first hop cannot override what the trusted proxy appended.
        assertEquals("198.51.100.7", resolve(r, "10.0.0.2", "1.1.1.1", "198.51.100.7"));
    }

    @Test
    void garbageInTheChainFallsBackToTheLastTrustedHop() {
        ClientAddressResolver r = resolver("10.0.0.0/8");
        assertEquals("10.0.0.2", resolve(r, "10.0.0.2", "evil.example.com"));
    }

    @Test
    void cidrMatchingAndLiteralsOnly() {
        IpRange v4 = IpRange.parse("192.168.4.0/22");
        assertTrue(v4.contains("192.168.7.255"));
        assertFalse(v4.contains("192.168.8.0"));
        assertTrue(IpRange.parse("2001:db8::/32").contains("2001:db8:ffff::1"));
        assertTrue(IpRange.parse("127.0.0.1").contains("::ffff:127.0.0.1"));
        assertFalse(IpRange.isLiteral("localhost"));
        assertFalse(IpRange.isLiteral("999.1.1.1"));
        assertThrows(IllegalArgumentException.class, () -> IpRange.parse("example.com"));
    }
}
