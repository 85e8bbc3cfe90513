package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The OpenAPI document at /openapi and Swagger UI at /docs. */
@SharedServer
class OpenApiIT {
    final Api api = new Api();

    @Test
    void theDocumentDescribesEveryEndpointOfTheMatrix() {
        Api.Res r = api.call("GET", "/openapi", null, null, java.util.Map.of("Accept", "application/json"));
        assertEquals(200, r.status(), r.toString());
        JsonNode doc = r.json();
        assertEquals("Vigile", doc.get("info").get("title").asText());
        JsonNode bearer = doc.get("components").get("securitySchemes").get("bearer");
        assertEquals("http", bearer.get("type").asText());
        assertEquals("bearer", bearer.get("scheme").asText());
        assertTrue(doc.get("components").get("schemas").has("Problem"));
        List<String> missing = new ArrayList<>();
        for (AccessMatrixIT.Endpoint e : AccessMatrixIT.TABLE) {
            if (!e.path().startsWith("/api/")) {
                continue;
            }
            JsonNode op = doc.get("paths").path(e.path()).path(e.method().toLowerCase(Locale.ROOT));
            if (op.isMissingNode()) {
                missing.add(e.method() + " " + e.path());
                continue;
            }
            String where = e.method() + " " + e.path();
            assertTrue(op.path("summary").asText().length() > 5, where + " has a summary");
            assertTrue(op.path("responses").has(Integer.toString(e.success())), where + " documents " + e.success());
            boolean open = e.requires().equals(AccessMatrixIT.PUBLIC);
            assertEquals(!open, op.has("security"), where + " security");
            if (!open) {
                JsonNode unauthorized = op.get("responses").get("401");
                assertTrue(unauthorized.get("content").has("application/problem+json"), where + " 401 is a problem");
            }
            if (e.requires().contains(":")) {
                assertTrue(op.get("responses").has("403"), where + " documents 403");
            }
            if (op.has("requestBody") && !e.method().equals("GET")) {
                JsonNode example =
                        op.get("requestBody").get("content").elements().next().get("example");
                assertTrue(example != null && example.isObject(), where + " has an example body");
            }
        }
        assertEquals(List.of(), missing);
    }

    /** Issue 35: the routes served outside JAX-RS are in the document too. */
    @Test
    void theDocumentDescribesDiscoveryOAuthAndSharedSignals() {
        JsonNode paths = api.call("GET", "/openapi", null, null, java.util.Map.of("Accept", "application/json"))
                .json()
                .get("paths");
        for (String[] route : new String[][] {
            {"get", "/.well-known/oauth-authorization-server"},
            {"get", "/.well-known/openid-configuration"},
            {"get", "/.well-known/ssf-configuration"},
            {"post", "/oauth2/token"},
            {"post", "/oauth2/introspect"},
            {"post", "/ssf/streams"},
            {"delete", "/ssf/streams"},
            {"post", "/ssf/poll"},
            {"post", "/ssf/verify"}
        }) {
            JsonNode op = paths.path(route[1]).path(route[0]);
            assertFalse(op.isMissingNode(), route[0] + " " + route[1]);
            assertTrue(op.path("summary").asText().length() > 5, route[1]);
        }
        assertTrue(paths.path("/oauth2/token")
                .path("post")
                .path("requestBody")
                .path("content")
                .has("application/x-www-form-urlencoded"));
    }

    @Test
    void swaggerUiIsServedUnderAStrictPolicy() {
        Api.Res page = api.get("/docs/", null);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("swagger-ui-bundle.js"));
        String csp = page.header("Content-Security-Policy");
        assertTrue(csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe-inline'"), csp);
        assertFalse(page.body().contains("<script>"), "no inline script");
        assertEquals(200, api.get("/docs/docs.js", null).status());
        assertEquals(
                200,
                api.get("/webjars/swagger-ui/5.34.1/swagger-ui-bundle.js", null).status());
        assertEquals(
                "default-src 'none'; frame-ancestors 'none'",
                api.get("/api/users/me", null).header("Content-Security-Policy"));
    }
}
