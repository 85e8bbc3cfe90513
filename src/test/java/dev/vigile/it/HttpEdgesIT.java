package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * HTTP edges a browser or a proxy meets: no absolute URL built from a client's {@code Host}, the
 * container's redirects carry the security headers, HSTS behind a TLS proxy. Raw sockets, because
 * the JDK's client does not let a test forge {@code Host}.
 */
@SharedServer
class HttpEdgesIT {
    final Api api = new Api();
    final URI base = URI.create(TestServer.get().url(""));

    /** Where Arquillian deployed the suite's WAR, as it reports it. */
    @org.jboss.arquillian.test.api.ArquillianResource
    java.net.URL deployedAt;

    /**
     * The server every shared-server test calls is the one Arquillian deployed to: same port, a
     * loopback host, context root {@code /}. (Arquillian names it {@code localhost}; the tests
     * call {@code 127.0.0.1}, which the suite's trusted-proxy setting names.)
     */
    @Test
    void theSuitesUrlIsWhereArquillianDeployed() throws Exception {
        assertEquals(base.getPort(), deployedAt.getPort(), deployedAt.toString());
        assertTrue(java.net.InetAddress.getByName(deployedAt.getHost()).isLoopbackAddress(), deployedAt.toString());
        assertEquals("/", deployedAt.getPath());
        assertEquals(
                200,
                new Api(deployedAt.toString().replaceAll("/$", ""))
                        .get("/health/ready", null)
                        .status());
    }

    /**
     * A malformed percent-escape in a query parameter (which the JDK's client refuses to send) is
     * read as literal text, whichever way the resource reads its parameters: a paging or filter
     * value is then a 400 problem naming it, free search text is searched for as it is.
     */
    @Test
    void aMalformedEscapeInTheQueryIsReadAsLiteralText() throws Exception {
        String admin = api.adminToken();
        for (String path : new String[] {
            "/api/users?size=%zz", "/api/users?page=%", "/api/users?sort=%e9",
            "/api/admin/audit?before=%G1", "/api/admin/audit?action=%zz", "/api/auth/sessions?size=%zz",
            "/api/notifications?page=%zz"
        }) {
            Raw r = raw("GET", path, base.getHost() + ":" + base.getPort(), null, admin);
            assertEquals(400, Integer.parseInt(r.status().split(" ")[1]), path + ": " + r);
            assertTrue(
                    r.headers().getOrDefault("content-type", "").startsWith("application/problem+json"),
                    path + ": " + r);
        }
        Raw search = raw("GET", "/api/users?q=%zz", base.getHost() + ":" + base.getPort(), null, admin);
        assertTrue(search.status().startsWith("HTTP/1.1 200"), search.toString());
        assertEquals("0", search.headers().get("x-total-count"), search.toString());
        assertTrue(search.headers().get("link").contains("q=%25zz&"), "the literal text, escaped again: " + search);
    }

    /** A raw response: status line and headers (names lower case). */
    record Raw(String status, Map<String, String> headers) {}

    Raw raw(String method, String path, String host, String body, String token, String... extra) throws Exception {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(30_000);
            StringBuilder req =
                    new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
            req.append("X-Forwarded-For: ").append(api.clientAddress()).append("\r\n");
            for (String h : extra) {
                req.append(h).append("\r\n");
            }
            if (token != null) {
                req.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                req.append("Content-Type: application/json\r\nContent-Length: ")
                        .append(bytes.length)
                        .append("\r\n");
            }
            req.append("\r\n");
            s.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().write(bytes);
            String[] lines = Api.head(s.getInputStream()).split("\r\n");
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(
                            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            return new Raw(lines[0], headers);
        }
    }

    @Test
    void locationHeadersNeverRepeatTheClientsHost() throws Exception {
        String admin = api.adminToken();
        Raw registered = raw(
                "POST",
                "/api/auth/register",
                "evil.example:666",
                Api.obj("email", Api.uniqueEmail(), "password", "a long passphrase for hosts")
                        .toString(),
                null);
        assertTrue(registered.status().startsWith("HTTP/1.1 201"), registered.toString());
        assertTrue(registered.headers().get("location").startsWith("/api/users/"), registered.toString());
        Raw created = raw(
                "POST",
                "/api/users",
                "evil.example:666",
                Api.obj("email", Api.uniqueEmail(), "password", "a long passphrase for hosts")
                        .toString(),
                admin);
        assertTrue(created.headers().get("location").startsWith("/api/users/"), created.toString());
        String role = Api.uniqueRole("HOST");
        Raw roleCreated = raw(
                "POST",
                "/api/admin/roles",
                "evil.example:666",
                Api.obj("name", role, "permissions", java.util.List.of()).toString(),
                admin);
        assertEquals("/api/admin/roles/" + role, roleCreated.headers().get("location"), roleCreated.toString());
    }

    @Test
    void theDirectoryRedirectsAreRelativeAndCarryTheSecurityHeaders() throws Exception {
        for (String dir : new String[] {"/docs", "/admin"}) {
            Raw r = raw("GET", dir, "evil.example:666", null, null);
            assertTrue(r.status().startsWith("HTTP/1.1 301"), dir + ": " + r);
            assertEquals(dir + "/", r.headers().get("location"), r.toString());
            assertEquals("nosniff", r.headers().get("x-content-type-options"), r.toString());
            assertEquals("no-store", r.headers().get("cache-control"), r.toString());
            assertTrue(r.headers().containsKey("content-security-policy"), r.toString());
        }
    }

    @Test
    void hstsIsSentWhenATrustedProxySaysTheClientCameOverTls() throws Exception {
        // The test server trusts 127.0.0.1 as a proxy.
        Raw tls = raw("GET", "/health/live", "id.example", null, null, "X-Forwarded-Proto: https");
        assertEquals(
                "max-age=31536000; includeSubDomains", tls.headers().get("strict-transport-security"), tls.toString());
        Raw plain = raw("GET", "/health/live", "id.example", null, null);
        assertNull(plain.headers().get("strict-transport-security"), plain.toString());
        assertFalse(plain.headers().containsKey("server"), "no server banner: " + plain);
    }

    @Test
    void theDashboardMayConnectToItsOwnOriginOnly() {
        String csp = api.get("/admin/", null).header("Content-Security-Policy");
        assertTrue(csp.contains("connect-src 'self';"), csp);
        assertFalse(csp.contains("ws:") || csp.contains("wss:"), "no socket to any host: " + csp);
    }
}
