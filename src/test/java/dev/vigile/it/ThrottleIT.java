package dev.vigile.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Failed-login throttling. The test server allows 3 failures per account per 6 s and 8 per client
 * address per minute (see {@link TestServer#testEnvironment}); production defaults are longer.
 */
class ThrottleIT {
  static final String PASSWORD = "violet kettle marches upward";

  @Test
  void failuresOnOneAccountAreThrottledThenReleased() throws Exception {
    Api api = new Api();
    String email = Api.uniqueEmail();
    api.register(email, PASSWORD);
    for (int i = 0; i < 3; i++) {
      assertEquals(401, new Api().login(email, "wrong password " + i).status());
    }
    // From another address too: the account itself is protected.
    Api.Res throttled = new Api().login(email, PASSWORD);
    assertEquals(429, throttled.status(), throttled.toString());
    long retryAfter = Long.parseLong(throttled.header("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 3, "Retry-After " + retryAfter);
    assertEquals("https://vigile.dev/problems/too-many-requests", throttled.json().get("type").asText());
    Thread.sleep(retryAfter * 1000 + 200);
    assertEquals(200, new Api().login(email, PASSWORD).status(), "released after Retry-After");
  }

  @Test
  void unknownAccountsAreThrottledAlikeSoThrottlingRevealsNothing() {
    String unknown = Api.uniqueEmail();
    for (int i = 0; i < 3; i++) {
      assertEquals(401, new Api().login(unknown, "whatever " + i).status());
    }
    assertEquals(429, new Api().login(unknown, "whatever").status());
  }

  @Test
  void oneAddressTryingManyAccountsIsThrottled() {
    Api attacker = new Api();
    int refused = 0;
    for (int i = 0; i < 8; i++) {
      refused += attacker.login(Api.uniqueEmail(), "guess " + i).status() == 401 ? 1 : 0;
    }
    assertEquals(8, refused);
    Api.Res r = attacker.login(Api.uniqueEmail(), "guess");
    assertEquals(429, r.status(), r.toString());
    // Another address is unaffected.
    assertEquals(401, new Api().login(Api.uniqueEmail(), "guess").status());
  }

  @Test
  void successClearsTheAccountsFailures() {
    String email = Api.uniqueEmail();
    new Api().register(email, PASSWORD);
    for (int round = 0; round < 3; round++) {
      assertEquals(401, new Api().login(email, "wrong").status());
      assertEquals(401, new Api().login(email, "wrong").status());
      assertEquals(200, new Api().login(email, PASSWORD).status(), "round " + round);
    }
  }
}
