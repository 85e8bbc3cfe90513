package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A schema-driven fuzzer: every operation of the served OpenAPI document receives random and
 * malformed path parameters, query parameters, bodies, content types and tokens. No answer may be
 * a 5xx or show internals. The seed is fixed (override with -Dvigile.fuzz.seed) so a failure
 * replays.
 */
@SharedServer
class FuzzIT {
    static final long SEED = Long.getLong("vigile.fuzz.seed", 20261124L);
    static final int PER_OPERATION = Integer.getInteger("vigile.fuzz.iterations", 12);
    static final List<String> LEAKS = List.of(
            "Exception",
            "\tat ",
            "org.hibernate",
            "org.postgresql",
            "PSQL",
            "SQLState",
            "jakarta.",
            "java.lang",
            "dev.vigile");

    Random random = new Random(SEED);
    final TestServer server = TestServer.get();

    String randomString() {
        return switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> "../../etc/passwd";
            case 2 -> "%00\u0000nul";
            case 3 -> "x".repeat(random.nextInt(5000));
            case 4 -> "' or 1=1 --";
            case 5 -> "<script>alert(1)</script>";
            case 6 -> "😀\u202e\uFEFFé";
            case 7 -> Long.toString(random.nextLong());
            case 8 -> UUID.randomUUID().toString();
            case 9 -> "-1";
            case 10 -> "ADMIN";
            default -> Integer.toString(random.nextInt(1000));
        };
    }

    String randomJsonValue(int depth) {
        return switch (random.nextInt(depth > 3 ? 6 : 9)) {
            case 0 -> "null";
            case 1 -> Boolean.toString(random.nextBoolean());
            case 2 -> Long.toString(random.nextLong());
            case 3 -> Double.toString(random.nextDouble() * 1e300);
            case 4 ->
                '"' + randomString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\u0000", "\\u0000") + '"';
            case 5 -> "1e99999";
            case 6 -> "[" + randomJsonValue(depth + 1) + "," + randomJsonValue(depth + 1) + "]";
            default ->
                "{\"" + randomString().replace("\\", "").replace("\"", "") + "\":" + randomJsonValue(depth + 1) + "}";
        };
    }

    /** A body shaped by the operation's schema properties, with wrong or odd values. */
    String schemaBody(List<String> properties) {
        StringBuilder b = new StringBuilder("{");
        for (String p : properties) {
            if (random.nextInt(4) == 0) {
                continue;
            }
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(p).append("\":").append(randomJsonValue(0));
        }
        return b.append('}').toString();
    }

    String randomBody(List<String> properties) {
        return switch (random.nextInt(10)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "[".repeat(20_000);
            case 3 -> "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
            case 4 -> "\"" + "y".repeat(60_000) + "\"";
            case 5 -> "not json at all";
            case 6 -> randomJsonValue(0);
            case 7 -> "{\"" + randomString().replace("\"", "") + "\":1}";
            default -> schemaBody(properties);
        };
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static List<String> properties(JsonNode doc, JsonNode operation) {
        List<String> names = new ArrayList<>();
        JsonNode content = operation.path("requestBody").path("content");
        for (Iterator<JsonNode> it = content.elements(); it.hasNext(); ) {
            JsonNode schema = it.next().path("schema");
            String ref = schema.path("$ref").asText("");
            if (ref.startsWith("#/components/schemas/")) {
                schema = doc.path("components").path("schemas").path(ref.substring(21));
            }
            schema.path("properties").fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    /** One operation of the OpenAPI document: its path, method, body properties and query names. */
    record Operation(String path, String method, List<String> properties, List<String> queryNames) {}

    static List<Operation> operations(JsonNode doc) {
        List<Operation> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase(Locale.ROOT);
                if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                List<String> queryNames = new ArrayList<>();
                op.getValue().path("parameters").forEach(p -> {
                    if (p.path("in").asText().equals("query")) {
                        queryNames.add(p.path("name").asText());
                    }
                });
                all.add(new Operation(path.getKey(), method, properties(doc, op.getValue()), queryNames));
            }
        }
        return all;
    }

    /** The fixed seed, and two more: each replays with -Dvigile.fuzz.seed. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {0, 1, 2})
    void everyOperationSurvivesRandomAndMalformedInput(long offset) {
        random = new Random(SEED + offset);
        Api api = new Api();
        JsonNode doc = api.call("GET", "/openapi", null, null, Map.of("Accept", "application/json"))
                .json();
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (Operation op : operations(doc)) {
            String method = op.method();
            List<String> properties = op.properties();
            List<String> queryNames = op.queryNames();
            // Fresh tokens per operation: a fuzzed logout-all may end the previous ones.
            Api client = new Api();
            String admin = client.adminToken();
            String user = client.newUser().get("access_token").asText();
            for (int i = 0; i < PER_OPERATION; i++) {
                String target =
                        op.path().replaceAll("\\{[^}]+}", encode(randomString()).replace("%2F", "/"));
                StringBuilder query = new StringBuilder();
                for (String q : queryNames) {
                    if (random.nextBoolean()) {
                        query.append(query.length() == 0 ? "?" : "&")
                                .append(q)
                                .append('=')
                                .append(encode(randomString()));
                    }
                }
                if (random.nextInt(5) == 0) {
                    query.append(query.length() == 0 ? "?" : "&")
                            .append(encode(randomString()))
                            .append("=x");
                }
                String body = method.equals("GET") || method.equals("DELETE") ? null : randomBody(properties);
                String token = switch (random.nextInt(4)) {
                    case 0 -> null;
                    case 1 -> "garbage." + randomString();
                    case 2 -> user;
                    default -> admin;
                };
                HttpRequest.Builder b = new Api()
                        .request(target + query)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
                if (body != null) {
                    b.header(
                            "Content-Type",
                            switch (random.nextInt(6)) {
                                case 0 -> "text/plain";
                                case 1 -> "application/json; charset=latin-1";
                                case 2 -> "application/merge-patch+json";
                                default -> "application/json";
                            });
                }
                if (token != null) {
                    StringBuilder printable = new StringBuilder();
                    token.chars().forEach(c -> printable.append(c < 0x20 || c > 0x7e ? 'x' : (char) c));
                    b.header("Authorization", "Bearer " + printable);
                }
                Api.Res r;
                try {
                    r = api.send(b);
                } catch (IllegalArgumentException badUri) {
                    continue;
                }
                requests++;
                String where = method + " " + target + query + " (" + (body == null ? 0 : body.length()) + " bytes)";
                if (r.status() >= 500) {
                    failures.add(r.status() + " " + where + ": "
                            + r.body().substring(0, Math.min(200, r.body().length())));
                }
                for (String leak : LEAKS) {
                    if (r.body().contains(leak) && !r.header("Content-Type").startsWith("text/csv")) {
                        failures.add("leaks '" + leak + "': " + where);
                    }
                }
            }
        }
        assertTrue(requests > 300, "fuzzed requests: " + requests);
        assertEquals(List.of(), failures);
        assertTrue(api.get("/api/admin/audit/verify", api.adminToken())
                .json()
                .get("valid")
                .asBoolean());
    }

    /** A hostile value of one class, as JSON, and whether the input guard must refuse it (400). */
    record Hostile(String name, String json, boolean refused) {}

    static String nested(int depth) {
        return "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    static final List<Hostile> HOSTILE = List.of(
            new Hostile("over-long", '"' + "x".repeat(1_000) + '"', false),
            new Hostile("much over-long", '"' + "é".repeat(20_000) + '"', false),
            new Hostile("NUL", "\"a\\u0000b\"", true),
            new Hostile("control characters", "\"a\\u0001\\u001b\\u007fb\"", false),
            new Hostile("lone high surrogate", "\"a\\ud800b\"", true),
            new Hostile("lone low surrogate", "\"\\udc00\"", true),
            new Hostile("beyond 64 bits", "18446744073709551616", false),
            new Hostile("below -2^63", "-9223372036854775809", false),
            new Hostile("huge exponent", "1e400", false),
            new Hostile("deeply nested", nested(40), true),
            new Hostile("wrong type: object", "{}", false),
            new Hostile("wrong type: array", "[1,\"a\"]", false),
            new Hostile("wrong type: boolean", "true", false),
            new Hostile("wrong type: string", "\"text\"", false));

    /** Query values: the raw text, and whether the guard must refuse it. */
    static final List<Hostile> HOSTILE_QUERY = List.of(
            new Hostile("NUL", "a\u0000b", true),
            new Hostile("control characters", "a\u001bb", true),
            new Hostile("over-long", "q".repeat(600), true),
            new Hostile("beyond 64 bits", "18446744073709551616", false),
            new Hostile("look-alike", "\uff41dmin\u200b", false));

    /**
     * Every field of every operation, and every query parameter, receives each class of hostile
     * value in turn, the rest of the body well-formed: never a 5xx or internals, and what the input
     * guard refuses is a 400 problem naming that field.
     */
    @Test
    void everyFieldOfEveryOperationGetsEveryHostileClass() {
        Api api = new Api();
        JsonNode doc = api.call("GET", "/openapi", null, null, Map.of("Accept", "application/json"))
                .json();
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (Operation op : operations(doc)) {
            String target =
                    op.path().replace("{id}", UUID.randomUUID().toString()).replace("{name}", "NO_SUCH_ROLE");
            target = target.replaceAll("\\{[^}]+}", "1");
            String method = op.method();
            List<String> properties = op.properties();
            List<String> queryNames = op.queryNames();
            String admin = new Api().adminToken();
            List<String[]> cases = new ArrayList<>();
            for (String field : properties) {
                for (Hostile h : HOSTILE) {
                    StringBuilder body = new StringBuilder("{");
                    for (String p : properties) {
                        body.append(body.length() > 1 ? "," : "")
                                .append('"')
                                .append(p)
                                .append("\":")
                                .append(p.equals(field) ? h.json() : "\"ordinary\"");
                    }
                    cases.add(new String[] {
                        field, h.name(), target, body.append('}').toString(), Boolean.toString(h.refused())
                    });
                }
            }
            for (String q : queryNames) {
                for (Hostile h : HOSTILE_QUERY) {
                    cases.add(new String[] {
                        q,
                        h.name(),
                        target + "?" + q + "=" + encode(h.json()),
                        method.equals("GET") || method.equals("DELETE") ? null : "{}",
                        Boolean.toString(h.refused())
                    });
                }
            }
            for (String[] c : cases) {
                String body = c[3];
                HttpRequest.Builder b = new Api()
                        .request(c[2])
                        .header("Authorization", "Bearer " + admin)
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body));
                if (body != null) {
                    b.header("Content-Type", "application/json");
                }
                Api.Res r = api.send(b);
                requests++;
                String where = method + " " + op.path() + " " + c[0] + " = " + c[1];
                if (r.status() >= 500) {
                    failures.add(r.status() + " " + where + ": "
                            + r.body().substring(0, Math.min(200, r.body().length())));
                }
                for (String leak : LEAKS) {
                    if (r.body().contains(leak)) {
                        failures.add("leaks '" + leak + "': " + where);
                    }
                }
                if (Boolean.parseBoolean(c[4])) {
                    boolean named = r.status() == 400
                            && "application/problem+json".equals(r.header("Content-Type"))
                            && r.json().path("errors").toString().contains("\"field\":\"" + c[0]);
                    if (!named) {
                        failures.add("not a 400 naming the field: " + where + " -> " + r.status() + " "
                                + r.body().substring(0, Math.min(200, r.body().length())));
                    }
                }
            }
        }
        assertTrue(requests > 300, "hostile requests: " + requests);
        assertEquals(List.of(), failures);
    }
}
