package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin dashboard in headless Chromium against the real server: sign in, page through users,
 * change a role and find it in the audit viewer, receive a live notification. Each test saves a
 * screenshot in target/screenshots.
 */
@SharedServer
class AdminDashboardE2E {
    static final TestServer server = TestServer.get();
    static final Api api = new Api();
    static String marker;
    static WebDriver browser;
    WebDriverWait wait;

    @BeforeAll
    static void start() {
        browser = Browsers.chromium(1280, 1000);
        // 23 users that share a marker, for paging.
        String admin = api.adminToken();
        marker = "e2e" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 23; i++) {
            Api.Res r = api.post(
                    "/api/users",
                    obj(
                            "email",
                            marker + "-" + String.format("%02d", i) + "@example.com",
                            "password",
                            "a long passphrase " + i),
                    admin);
            assertEquals(201, r.status(), r.toString());
        }
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void signIn() {
        // The page re-renders what a condition reads (a table row, say): an element gone stale
        // between finding it and reading it is "not yet", and the next poll finds it again.
        wait = (WebDriverWait) new WebDriverWait(browser, Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        browser.manage().deleteAllCookies();
        browser.get(server.url("/admin/"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        browser.findElement(By.id("login-email")).sendKeys(TestServer.ADMIN_EMAIL);
        browser.findElement(By.id("login-password")).sendKeys(TestServer.ADMIN_PASSWORD);
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
    }

    @AfterEach
    void screenshot(TestInfo test) throws Exception {
        Browsers.screenshot(browser, test, "");
    }

    WebElement id(String id) {
        return browser.findElement(By.id(id));
    }

    @Test
    void aFirstVisitWithoutASessionAsksForNothingThatWouldBeRefused() {
        browser.manage().deleteAllCookies();
        browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll();
        browser.get(server.url("/admin/"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        List<String> errors = new java.util.ArrayList<>();
        browser.manage()
                .logs()
                .get(org.openqa.selenium.logging.LogType.BROWSER)
                .forEach(e -> errors.add(e.getMessage()));
        assertTrue(errors.stream().noneMatch(m -> m.contains("403") || m.contains("401")), "console: " + errors);
    }

    @Test
    void signInShowsTheDashboardAndKeepsTheRefreshTokenAwayFromScripts() {
        wait.until(d -> !id("card-users-total").getText().equals("–"));
        assertTrue(Integer.parseInt(id("card-users-total").getText()) >= 23);
        assertTrue(Integer.parseInt(id("card-logins-ok").getText()) >= 1);
        assertEquals(TestServer.ADMIN_EMAIL, id("who").getText());
        assertFalse(browser.findElements(By.cssSelector("#logins-chart rect")).isEmpty(), "the chart has bars");
        Cookie refresh = browser.manage().getCookieNamed("vigile_refresh");
        assertTrue(refresh == null || refresh.isHttpOnly(), "the refresh cookie is HttpOnly");
        Object fromScript = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return document.cookie");
        assertFalse(String.valueOf(fromScript).contains("vigile_refresh"), "scripts cannot read the refresh token");
        Object stored = ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)");
        assertEquals("{}{}", stored, "nothing in web storage");

        // A reload signs in again through the cookie, without the password.
        browser.navigate().refresh();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        assertEquals(TestServer.ADMIN_EMAIL, id("who").getText());
    }

    @Test
    void theUsersTablePagesThroughSearchResults() {
        id("app").findElement(By.cssSelector("nav button[data-view=users]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "page 1 of"));
        id("users-search").sendKeys(marker);
        id("users-filter").findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "page 1 of 3 (23 users)"));
        assertEquals(
                10,
                browser.findElements(By.cssSelector("#users-table tbody tr")).size());
        id("users-next").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "page 2 of 3"));
        id("users-next").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "page 3 of 3"));
        assertEquals(
                3, browser.findElements(By.cssSelector("#users-table tbody tr")).size());
        assertFalse(id("users-next").isEnabled());
    }

    @Test
    void aRoleChangedInTheUsersTableShowsInTheAuditViewer() {
        String admin = api.adminToken();
        String role = Api.uniqueRole("E2E");
        assertEquals(
                201,
                api.post("/api/admin/roles", obj("name", role, "permissions", List.of()), admin)
                        .status());
        Api.Account target = api.account(admin);

        id("app").findElement(By.cssSelector("nav button[data-view=users]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "page 1 of"));
        id("users-search").sendKeys(target.email());
        id("users-filter").findElement(By.cssSelector("button[type=submit]")).click();
        // The table is drawn again for the search: wait for that drawing, not the first one.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "(1 users)"));
        By row = By.cssSelector("#users-table tr[data-user-id='" + target.id() + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        browser.findElement(row)
                .findElement(By.cssSelector("button[data-action=roles]"))
                .click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("roles-editor")));
        id("roles-editor-options")
                .findElement(By.cssSelector("input[value='" + role + "']"))
                .click();
        id("roles-save").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(row, role));
        assertEquals(
                "[\"" + role + "\",\"USER\"]",
                api.get("/api/users/" + target.id(), admin).json().get("roles").toString(),
                "saved on the server");

        id("app").findElement(By.cssSelector("nav button[data-view=audit]")).click();
        id("audit-action").sendKeys("user.roles.changed");
        id("audit-apply").click();
        // The target is shown by its email, its id on hover.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-table"), target.email()));
        assertFalse(browser.findElements(By.cssSelector("#audit-table td[title='" + target.id() + "']"))
                .isEmpty());
        id("audit-verify").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-verify-result"), "Chain valid"));
    }

    @Test
    void theRolesEditorCreatesAndEditsARole() {
        String admin = api.adminToken();
        String role = Api.uniqueRole("UI");
        id("app").findElement(By.cssSelector("nav button[data-view=roles]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#role-permissions input[value='users:read']")));
        id("role-name").sendKeys(role);
        id("role-description").sendKeys("Made in the browser");
        id("role-permissions")
                .findElement(By.cssSelector("input[value='users:read']"))
                .click();
        id("role-create").click();
        By row = By.cssSelector("#roles-table tr[data-role='" + role + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        assertEquals(
                "[\"users:read\"]",
                api.get("/api/admin/roles/" + role, admin)
                        .json()
                        .get("permissions")
                        .toString());

        browser.findElement(row)
                .findElement(By.cssSelector("button[data-action=edit]"))
                .click();
        id("role-permissions")
                .findElement(By.cssSelector("input[value='audit:read']"))
                .click();
        id("role-create").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "audit:read"));
        assertEquals(
                "[\"audit:read\",\"users:read\"]",
                api.get("/api/admin/roles/" + role, admin)
                        .json()
                        .get("permissions")
                        .toString());
    }

    /** Issue 35: service accounts are created (secret shown once), rotated, disabled and deleted from the dashboard. */
    @Test
    void serviceAccountsAreManagedFromTheDashboard() {
        String name = "dashboard job " + UUID.randomUUID().toString().substring(0, 8);
        id("app").findElement(By.cssSelector("nav button[data-view=clients]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("client-form")));
        id("client-name").sendKeys(name);
        wait.until(d -> !id("client-roles")
                .findElements(By.cssSelector("input[value=ADMIN]"))
                .isEmpty());
        id("client-create").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("client-secret-box")));
        String secret = id("client-secret").getText();
        String clientId = id("client-secret-id").getText();
        assertTrue(secret.startsWith("vgs_"), secret);
        By row = By.cssSelector("#clients-table tr[data-client='" + clientId + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        assertFalse(
                browser.findElement(By.id("clients-table")).getText().contains(secret),
                "the table never shows a secret");
        id("client-secret-done").click();
        assertTrue(id("client-secret").getText().isEmpty(), "the secret is gone from the page");

        // The secret shown works at the token endpoint.
        java.util.function.Supplier<Integer> token = () -> api.send(api.request("/oauth2/token")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header(
                                "Authorization",
                                "Basic "
                                        + java.util.Base64.getEncoder()
                                                .encodeToString((clientId + ":" + secret)
                                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")))
                .status();
        assertEquals(200, token.get());

        browser.findElement(row)
                .findElement(By.cssSelector("button[data-action=rotate]"))
                .click();
        wait.until(d -> !id("client-secret-box").isDisplayed()
                ? false
                : !id("client-secret").getText().isEmpty());
        assertFalse(secret.equals(id("client-secret").getText()), "a second secret");
        id("client-secret-done").click();
        wait.until(d -> browser.findElement(row)
                        .findElements(By.cssSelector("button[data-action=remove-secret]"))
                        .size()
                == 2);

        browser.findElement(row)
                .findElement(By.cssSelector("button[data-action=toggle]"))
                .click();
        wait.until(d -> browser.findElement(row).getText().contains("Enable"));
        assertEquals(401, token.get(), "disabled from the dashboard");

        browser.findElement(row)
                .findElement(By.cssSelector("button[data-action=delete]"))
                .click();
        browser.switchTo().alert().accept();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
    }

    @Test
    void aNotificationArrivesLiveInTheFeed() {
        id("app")
                .findElement(By.cssSelector("nav button[data-view=notifications]"))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("ws-status"), "connected"));
        String title = "Live " + UUID.randomUUID().toString().substring(0, 8);
        // Sent from elsewhere (the REST API), received by the page over its WebSocket.
        String adminId =
                api.get("/api/users/me", api.adminToken()).json().get("id").asText();
        api.post(
                "/api/admin/notifications",
                obj("audience", obj("type", "user", "value", adminId), "title", title, "body", "<b>not html</b>"),
                api.adminToken());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed"), title));
        assertTrue(browser.findElements(By.cssSelector("#feed b")).isEmpty(), "text is never rendered as HTML");

        // And the page's own form sends one.
        String second = "Form " + UUID.randomUUID().toString().substring(0, 8);
        new org.openqa.selenium.support.ui.Select(id("notify-type")).selectByValue("user");
        id("notify-value").sendKeys(adminId);
        id("notify-title").sendKeys(second);
        id("notify-body").sendKeys("from the dashboard");
        id("notify-send").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("notify-result"), "Sent to 1 user(s)."));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed"), second));
    }

    @Test
    void timesAreLocalWithTheUtcInstantOnHoverAndTheChartHasLabelledAxes() {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#recent-audit time")));
        WebElement time = browser.findElement(By.cssSelector("#recent-audit time"));
        assertTrue(time.getAttribute("title").matches("\\d{4}-\\d{2}-\\d{2}T.*Z"), time.getAttribute("title"));
        assertFalse(time.getText().contains("T"), "no raw ISO timestamp: " + time.getText());
        String chart = id("logins-chart").getText();
        assertTrue(chart.contains("logins") && chart.contains("hour"), chart);
        assertTrue(
                browser.findElements(By.cssSelector("#logins-chart text.hour")).size() >= 6,
                "hour labels on the x axis");
    }

    @Test
    void aUserPageListsTheUsersPasskeysAndAnAdminRemovesOne() throws Exception {
        Api.Account user = api.account(api.adminToken());
        TestAuthenticator key = new TestAuthenticator(TestServer.get().webAuthnOrigin());
        String passkeyId = PasskeysIT.addPasskey(api, key, user.token(), user.password(), "Office key")
                .get("id")
                .asText();

        id("app").findElement(By.cssSelector("nav button[data-view=users]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "page 1 of"));
        id("users-search").sendKeys(user.email());
        id("users-filter").findElement(By.cssSelector("button[type=submit]")).click();
        By row = By.cssSelector("#users-table tr[data-user-id='" + user.id() + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        browser.findElement(row)
                .findElement(By.cssSelector("button[data-action=open]"))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-title"), user.email()));
        assertEquals("1", id("user-passkey-count").getText());
        By passkey = By.cssSelector("#user-passkeys tr[data-passkey='" + passkeyId + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(passkey));
        assertTrue(browser.findElement(passkey).getText().contains("Office key"));
        assertTrue(browser.findElement(passkey).getText().contains("device-bound"));

        browser.findElement(passkey)
                .findElement(By.cssSelector("button[data-action=passkey-remove]"))
                .click();
        browser.switchTo().alert().accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-passkey-count"), "0"));
        assertTrue(browser.findElements(passkey).isEmpty());
        assertEquals(
                0,
                TestServer.get().number("select count(*) from passkeys where user_id = ?", UUID.fromString(user.id())));
    }

    @Test
    void aUserPageShowsTheUserAndAnAdminResetsTheirSecondFactor() {
        String email = Api.uniqueEmail();
        String password = "a dashboard mfa passphrase " + UUID.randomUUID();
        Api.Res registered = api.register(email, password);
        String token = registered.json().get("access_token").asText();
        String userId = registered.json().get("user").get("id").asText();
        MfaIT.confirmEnrollment(api, token, MfaIT.startEnrollment(api, token, password));

        id("app").findElement(By.cssSelector("nav button[data-view=users]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "page 1 of"));
        id("users-search").sendKeys(email);
        id("users-filter").findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "(1 users)"));
        By row = By.cssSelector("#users-table tr[data-user-id='" + userId + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        browser.findElement(row)
                .findElement(By.cssSelector("button[data-action=open]"))
                .click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-title"), email));
        assertEquals("on", id("user-mfa").getText());
        assertEquals("no", id("user-verified").getText());
        wait.until(d ->
                !id("user-sessions").findElements(By.cssSelector("tbody tr")).isEmpty());
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#user-audit tr[data-action='user.mfa.enabled']")));

        id("user-actions")
                .findElement(By.cssSelector("button[data-action=mfa-reset]"))
                .click();
        browser.switchTo().alert().accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-mfa"), "off"));
        assertFalse(
                api.get("/api/users/" + userId, api.adminToken())
                        .json()
                        .get("mfaEnabled")
                        .asBoolean(),
                "reset on the server");
    }

    @Test
    void aUserIsCreatedAndDeletedFromTheDashboard() {
        String email = Api.uniqueEmail();
        id("app").findElement(By.cssSelector("nav button[data-view=users]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("users-page"), "page 1 of"));
        id("user-create").findElement(By.tagName("summary")).click();
        id("new-user-email").sendKeys(email);
        id("new-user-password").sendKeys("a created passphrase " + UUID.randomUUID());
        id("new-user-name").sendKeys("Made Here");
        id("new-user-submit").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-title"), email));
        assertEquals("Made Here", id("user-name").getText());
        String userId = id("user-id").getText();
        assertEquals(
                email,
                api.get("/api/users/" + userId, api.adminToken())
                        .json()
                        .get("email")
                        .asText());
        TestMail.awaitSubject(email, "Confirm your email address");

        id("user-actions")
                .findElement(By.cssSelector("button[data-action=delete]"))
                .click();
        browser.switchTo().alert().accept();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("view-users")));
        assertEquals(404, api.get("/api/users/" + userId, api.adminToken()).status(), "deleted on the server");
    }
}
