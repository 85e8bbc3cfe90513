package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The browser form of the token endpoints: HttpOnly refresh cookie and double-submit CSRF. */
@SharedServer
class BrowserSessionIT {
    final Api api = new Api();

    static String cookie(Api.Res r, String name) {
        for (String c : r.raw().headers().allValues("Set-Cookie")) {
            if (c.startsWith(name + "=")) {
                return c;
            }
        }
        return null;
    }

    static String value(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    Api.Res call(String path, String refresh, String csrfCookie, String csrfHeader) {
        StringBuilder cookies = new StringBuilder();
        if (refresh != null) {
            cookies.append("vigile_refresh=").append(refresh);
        }
        if (csrfCookie != null) {
            cookies.append(cookies.length() > 0 ? "; " : "")
                    .append("vigile_csrf=")
                    .append(csrfCookie);
        }
        Map<String, String> headers = new java.util.HashMap<>();
        if (cookies.length() > 0) {
            headers.put("Cookie", cookies.toString());
        }
        if (csrfHeader != null) {
            headers.put("X-CSRF-Token", csrfHeader);
        }
        return api.call("POST", path, "{}", null, headers);
    }

    @Test
    void theRefreshTokenLivesInAnHttpOnlyCookieGuardedByCsrf() {
        Api.Account a = api.account(api.adminToken());
        Api.Res login = api.call(
                "POST",
                "/api/auth/login",
                obj("email", a.email(), "password", a.password()),
                null,
                Map.of("X-Vigile-Client", "browser"));
        assertEquals(200, login.status());
        assertFalse(login.json().has("refresh_token"), "never in the body");
        String refreshCookie = cookie(login, "vigile_refresh");
        String csrfCookie = cookie(login, "vigile_csrf");
        for (String attr : List.of("HttpOnly", "SameSite=Strict", "Path=/api/auth", "Max-Age=")) {
            assertTrue(refreshCookie.contains(attr), attr + " in " + refreshCookie);
        }
        assertFalse(csrfCookie.contains("HttpOnly"), "the page reads the CSRF token");
        assertTrue(csrfCookie.contains("SameSite=Strict") && csrfCookie.contains("Path=/"), csrfCookie);
        String refresh = value(refreshCookie);
        String csrf = value(csrfCookie);

        assertEquals(403, call("/api/auth/refresh", refresh, csrf, null).status(), "no CSRF header");
        assertEquals(403, call("/api/auth/refresh", refresh, csrf, "forged").status(), "wrong CSRF header");
        assertEquals(403, call("/api/auth/refresh", refresh, null, csrf).status(), "no CSRF cookie");
        assertEquals(401, call("/api/auth/refresh", null, csrf, csrf).status(), "no session cookie");

        Api.Res refreshed = call("/api/auth/refresh", refresh, csrf, csrf);
        assertEquals(200, refreshed.status(), refreshed.toString());
        assertFalse(refreshed.json().has("refresh_token"));
        String next = value(cookie(refreshed, "vigile_refresh"));
        assertNotEquals(refresh, next, "rotated");
        assertEquals(
                200,
                api.get("/api/users/me", refreshed.json().get("access_token").asText())
                        .status());

        String nextCsrf = value(cookie(refreshed, "vigile_csrf"));
        Api.Res out = call("/api/auth/logout", next, nextCsrf, nextCsrf);
        assertEquals(204, out.status());
        assertTrue(cookie(out, "vigile_refresh").contains("Max-Age=0"), "cookie cleared");
        assertEquals(401, call("/api/auth/refresh", next, nextCsrf, nextCsrf).status(), "session ended");
    }

    /** A browser login's refresh and CSRF tokens. */
    String[] browserLogin(Api.Account a, Map<String, String> extra) {
        Map<String, String> headers = new java.util.HashMap<>(extra);
        headers.put("X-Vigile-Client", "browser");
        Api.Res login =
                api.call("POST", "/api/auth/login", obj("email", a.email(), "password", a.password()), null, headers);
        assertEquals(200, login.status(), login.toString());
        String csrf = cookie(login, "vigile_csrf") != null
                ? cookie(login, "vigile_csrf")
                : cookie(login, "__Host-vigile_csrf");
        return new String[] {value(cookie(login, "vigile_refresh")), value(csrf), csrf};
    }

    @Test
    void theCsrfTokenMustBeTheOneBoundToTheSessionNotJustEqualToItsCookie() {
        Api.Account a = api.account(api.adminToken());
        String[] first = browserLogin(a, Map.of());
        String[] second = browserLogin(a, Map.of());
        // Any pair of equal values used to pass the double-submit check.
        assertEquals(
                403,
                call("/api/auth/refresh", first[0], "chosen-by-the-attacker", "chosen-by-the-attacker")
                        .status());
        assertEquals(
                403,
                call("/api/auth/logout", first[0], "chosen-by-the-attacker", "chosen-by-the-attacker")
                        .status());
        // Another session's token does not pass either.
        Api.Res crossed = call("/api/auth/refresh", first[0], second[1], second[1]);
        assertEquals(403, crossed.status(), crossed.toString());
        assertEquals(
                "https://vigile.dev/problems/forbidden",
                crossed.json().get("type").asText());
        // The refused attempts rotated nothing: the session's own token still works.
        Api.Res own = call("/api/auth/refresh", first[0], first[1], first[1]);
        assertEquals(200, own.status(), own.toString());
        assertNotEquals(first[1], value(cookie(own, "vigile_csrf")), "a fresh CSRF token with every token response");
    }

    @Test
    void overHttpsTheCsrfCookieIsAHostCookie() {
        Api.Account a = api.account(api.adminToken());
        // The test server trusts 127.0.0.1 as a proxy that terminates TLS.
        String[] login = browserLogin(a, Map.of("X-Forwarded-Proto", "https"));
        String setCookie = login[2];
        assertTrue(setCookie.startsWith("__Host-vigile_csrf="), setCookie);
        assertTrue(
                setCookie.contains("Secure") && setCookie.contains("Path=/") && !setCookie.contains("Domain"),
                setCookie);
        Map<String, String> headers = Map.of(
                "Cookie", "vigile_refresh=" + login[0] + "; __Host-vigile_csrf=" + login[1], "X-CSRF-Token", login[1]);
        assertEquals(
                200, api.call("POST", "/api/auth/refresh", "{}", null, headers).status());
    }

    @Test
    void nonBrowserClientsKeepTheJsonBodyForm() {
        Api.Account a = api.account(api.adminToken());
        Api.Res login = api.login(a.email(), a.password());
        assertTrue(login.json().get("refresh_token").asText().length() > 40);
        assertEquals(null, cookie(login, "vigile_refresh"));
    }
}
