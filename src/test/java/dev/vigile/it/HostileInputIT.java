package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each input that once reached PostgreSQL and answered 500, and each look-alike that once made a
 * second account: now a 400 problem naming the field, or the same account.
 */
@SharedServer
class HostileInputIT {
  final Api api = new Api();

  /** A 400 problem+json whose errors name {@code field}. */
  static void refusedNaming(Api.Res r, String field) {
    assertEquals(400, r.status(), r.toString());
    assertEquals("application/problem+json", r.header("Content-Type"));
    JsonNode errors = r.json().get("errors");
    assertTrue(errors != null && errors.toString().contains("\"field\":\"" + field + "\""), r.body());
  }

  /** A JSON body with a NUL where {@code <0>} stands, written as JSON writes it. */
  static String withNul(String json) {
    return json.replace("<0>", "\\u0000");
  }

  @Test
  void anOverLongEmailOnLoginIsA400NotA500() {
    String email = "a".repeat(300) + "@example.com";
    refusedNaming(api.login(email, "whatever it is"), "email");
  }

  @Test
  void aNulInAnEmailIsRefusedNotStripped() {
    String body = withNul("{\"email\":\"ad<0>min@example.com\",\"password\":\"whatever it is\"}");
    refusedNaming(api.call("POST", "/api/auth/login", body, null), "email");
    refusedNaming(api.call("POST", "/api/auth/register", withNul("{\"email\":\"x<0>" + Api.uniqueEmail() + "\",\"password\":\"a long passphrase here\"}"), null), "email");
  }

  @Test
  void nulsInQueryValuesAreRefused() {
    String admin = api.adminToken();
    refusedNaming(api.get("/api/users?q=a%00b", admin), "q");
    refusedNaming(api.get("/api/admin/audit?targetId=a%00b", admin), "targetId");
    refusedNaming(api.get("/api/admin/audit?actor=%01x", admin), "actor");
    refusedNaming(api.get("/api/users?q=" + "x".repeat(600), admin), "q");
  }

  @Test
  void aNulInARolesDescriptionIsRefusedAndNothingIsCreated() {
    String admin = api.adminToken();
    String name = Api.uniqueRole("NUL");
    String body = withNul("{\"name\":\"" + name + "\",\"description\":\"a<0>b\",\"permissions\":[]}");
    refusedNaming(api.call("POST", "/api/admin/roles", body, admin), "description");
    assertEquals(404, api.get("/api/admin/roles/" + name, admin).status());
  }

  @Test
  void loneSurrogatesAndDeepNestingAreRefused() {
    String admin = api.adminToken();
    refusedNaming(api.call("PATCH", "/api/users/me", "{\"displayName\":\"a\\ud800b\"}", admin), "displayName");
    String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
    Api.Res r = api.call("POST", "/api/admin/notifications",
        "{\"audience\":{\"type\":\"all\"},\"title\":\"t\",\"body\":\"b\",\"data\":" + deep + "}", admin);
    assertEquals(400, r.status(), r.toString());
    assertTrue(r.json().get("errors").get(0).get("field").asText().startsWith("data"), r.body());
  }

  @Test
  void aLoginEmailThatCannotBeAnEmailIsRefusedBeforeItIsAudited() throws Exception {
    String fake = "root@vigile.test (the real one)";
    refusedNaming(api.login(fake, "whatever it is"), "email");
    assertEquals(0, TestServer.get().number("select count(*) from audit_events where actor_email = ?", fake),
        "nothing written to the audit log");
  }

  @Test
  void aFullwidthLookAlikeIsTheSameAddress() {
    String local = "u" + java.util.UUID.randomUUID().toString().substring(0, 8);
    String email = local + "@example.com";
    String password = "a long passphrase for look-alikes";
    assertEquals(201, api.register(email, password).status());
    // "ｕ" (U+FF55) and the rest in fullwidth: NFKC makes it the same address.
    StringBuilder fullwidth = new StringBuilder();
    local.chars().forEach(c -> fullwidth.appendCodePoint(c >= 'a' && c <= 'z' ? c - 'a' + 0xFF41 : c));
    Api.Res again = api.register(fullwidth + "@example.com", password + " again");
    assertEquals(409, again.status(), again.toString());
    Api.Res login = new Api().login(fullwidth + "@ｅｘａｍｐｌｅ.com", password);
    assertEquals(200, login.status(), "the look-alike logs in to the one account: " + login);
    assertEquals(email, login.json().get("user").get("email").asText());
  }

  @Test
  void invisibleAndFormatCharactersAreRefusedInEmailsAndDisplayNames() {
    String admin = api.adminToken();
    for (String invisible : List.of("\u200b", "\u200d", "\u202e", "\ufeff", "\u3164", "\u00ad", "\u2800")) {
      String tag = String.format("U+%04X", (int) invisible.charAt(0));
      refusedNaming(api.register("root" + invisible + "@vigile.test", "a long passphrase here"), "email");
      refusedNaming(api.post("/api/auth/register",
          obj("email", Api.uniqueEmail(), "password", "a long passphrase here", "displayName", "Ad" + invisible + "min")), "displayName");
      refusedNaming(api.patch("/api/users/me", obj("displayName", "Ad" + invisible + "min"), admin), "displayName");
      assertEquals(400, api.post("/api/users", obj("email", "x" + invisible + Api.uniqueEmail(), "password", "a long passphrase here"), admin).status(), tag);
    }
    assertEquals(200, api.patch("/api/users/me", obj("displayName", "Ada Lovelace 🦉"), admin).status(), "ordinary names still pass");
  }
}
