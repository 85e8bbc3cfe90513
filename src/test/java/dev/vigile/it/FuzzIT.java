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
class FuzzIT {
  static final long SEED = Long.getLong("vigile.fuzz.seed", 20261124L);
  static final int PER_OPERATION = Integer.getInteger("vigile.fuzz.iterations", 25);
  static final List<String> LEAKS =
      List.of("Exception", "\tat ", "org.hibernate", "org.postgresql", "PSQL", "SQLState", "jakarta.", "java.lang", "dev.vigile");

  final Random random = new Random(SEED);
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
      case 4 -> '"' + randomString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\u0000", "\\u0000") + '"';
      case 5 -> "1e99999";
      case 6 -> "[" + randomJsonValue(depth + 1) + "," + randomJsonValue(depth + 1) + "]";
      default -> "{\"" + randomString().replace("\\", "").replace("\"", "") + "\":" + randomJsonValue(depth + 1) + "}";
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

  @Test
  void everyOperationSurvivesRandomAndMalformedInput() {
    Api api = new Api();
    JsonNode doc = api.call("GET", "/openapi", null, null, Map.of("Accept", "application/json")).json();
    List<String> failures = new ArrayList<>();
    int requests = 0;
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        String method = op.getKey().toUpperCase(Locale.ROOT);
        if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
          continue;
        }
        List<String> properties = properties(doc, op.getValue());
        List<String> queryNames = new ArrayList<>();
        op.getValue().path("parameters").forEach(p -> {
          if (p.path("in").asText().equals("query")) {
            queryNames.add(p.path("name").asText());
          }
        });
        // Fresh tokens per operation: a fuzzed logout-all may end the previous ones.
        Api client = new Api();
        String admin = client.adminToken();
        String user = client.newUser().get("access_token").asText();
        for (int i = 0; i < PER_OPERATION; i++) {
          String target = path.getKey().replaceAll("\\{[^}]+}", encode(randomString()).replace("%2F", "/"));
          StringBuilder query = new StringBuilder();
          for (String q : queryNames) {
            if (random.nextBoolean()) {
              query.append(query.length() == 0 ? "?" : "&").append(q).append('=').append(encode(randomString()));
            }
          }
          if (random.nextInt(5) == 0) {
            query.append(query.length() == 0 ? "?" : "&").append(encode(randomString())).append("=x");
          }
          String body = method.equals("GET") || method.equals("DELETE") ? null : randomBody(properties);
          String token = switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> "garbage." + randomString();
            case 2 -> user;
            default -> admin;
          };
          HttpRequest.Builder b = new Api().request(target + query)
              .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
          if (body != null) {
            b.header("Content-Type", switch (random.nextInt(6)) {
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
            failures.add(r.status() + " " + where + ": " + r.body().substring(0, Math.min(200, r.body().length())));
          }
          for (String leak : LEAKS) {
            if (r.body().contains(leak) && !r.header("Content-Type").startsWith("text/csv")) {
              failures.add("leaks '" + leak + "': " + where);
            }
          }
        }
      }
    }
    assertTrue(requests > 500, "fuzzed requests: " + requests);
    assertEquals(List.of(), failures);
    assertTrue(api.get("/api/admin/audit/verify", api.adminToken()).json().get("valid").asBoolean());
  }
}
