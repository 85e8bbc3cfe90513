package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The self-service account page in headless Chromium: MFA enrollment from its QR code page and the
 * two-step sign-in, the landing pages of mailed links (reset, verification), and a session
 * revoked from the page. Screenshots in target/screenshots.
 */
@SharedServer
class AccountPageE2E {
    static final TestServer server = TestServer.get();
    static final Api api = new Api();
    static WebDriver browser;
    WebDriverWait wait;

    @BeforeAll
    static void start() {
        browser = Browsers.chromium(1100, 1400);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void fresh() {
        // The page re-renders what a condition reads (a table row, say): an element gone stale
        // between finding it and reading it is "not yet", and the next poll finds it again.
        wait = (WebDriverWait) new WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        browser.manage().deleteAllCookies();
    }

    @AfterEach
    void screenshot(TestInfo test) throws Exception {
        Browsers.screenshot(browser, test, "account-");
    }

    WebElement id(String id) {
        return browser.findElement(By.id(id));
    }

    void type(String field, String text) {
        id(field).clear();
        id(field).sendKeys(text);
    }

    void signIn(String email, String password) {
        browser.get(server.url("/account/"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        type("login-email", email);
        type("login-password", password);
        id("login-submit").click();
    }

    record Person(String email, String password) {}

    Person register() {
        Person p = new Person(Api.uniqueEmail(), "an account page passphrase " + UUID.randomUUID());
        assertEquals(201, api.register(p.email(), p.password()).status());
        return p;
    }

    @Test
    void mfaIsTurnedOnFromTheQrCodeAndSignInThenAsksForACode() {
        Person p = register();
        signIn(p.email(), p.password());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        wait.until(d -> id("profile-email").getText().equals(p.email()));
        assertEquals("(not verified)", id("profile-verified").getText());
        wait.until(d ->
                !id("sessions-table").findElements(By.cssSelector("tbody tr")).isEmpty());

        type("enroll-password", p.password());
        id("enroll-form").findElement(By.cssSelector("button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("enroll-step")));
        String secret = id("enroll-secret").getText();
        assertTrue(id("enroll-qr").getAttribute("src").startsWith("data:image/svg+xml;base64,"));
        Object qrWidth = ((JavascriptExecutor) browser)
                .executeScript("return document.getElementById('enroll-qr').naturalWidth");
        assertTrue(((Number) qrWidth).intValue() > 0, "the QR code image loads under the page's CSP");
        long step = MfaIT.currentStep();
        type("confirm-code", MfaIT.code(secret, step));
        id("confirm-form").findElement(By.cssSelector("button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("codes-box")));
        assertEquals(10, id("codes-list").findElements(By.tagName("li")).size());
        assertTrue(id("mfa-state").getText().startsWith("On"));

        id("logout").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        signIn(p.email(), p.password());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mfa-form")));
        type("mfa-code", MfaIT.code(secret, step + 1));
        id("mfa-submit").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        wait.until(d -> id("profile-email").getText().equals(p.email()));
        Object stored = ((JavascriptExecutor) browser)
                .executeScript("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)");
        assertEquals("{}{}", stored, "nothing in web storage");
    }

    @Test
    void theResetLinkLandsOnThePageWhichClearsTheTokenFromTheAddress() {
        Person p = register();
        assertEquals(
                202,
                api.post("/api/auth/password-reset", obj("email", p.email())).status());
        TestMail.Received mail = TestMail.awaitSubject(p.email(), "Reset your password");
        String link = mail.text()
                .lines()
                .filter(l -> l.contains("/account/reset#token="))
                .findFirst()
                .orElseThrow()
                .strip();
        browser.get(server.url(link.substring(link.indexOf("/account/"))));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("reset-form")));
        assertFalse(
                browser.getCurrentUrl().contains("token"),
                "the token left the address bar: " + browser.getCurrentUrl());
        String next = "a new page passphrase " + UUID.randomUUID();
        type("reset-password", next);
        id("reset-submit").click();
        wait.until(d -> id("status").getText().contains("password was changed"));
        assertEquals(200, api.login(p.email(), next).status());
    }

    @Test
    void theVerificationLinkVerifiesTheAddress() {
        Person p = register();
        String token =
                TestMail.awaitSubject(p.email(), "Confirm your email address").token();
        browser.get(server.url("/account/verify#token=" + token));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("verify-submit")));
        // Opening the link confirmed nothing: only the button does (issue 33, point 4).
        JsonNode before = api.get(
                        "/api/users/me",
                        api.login(p.email(), p.password())
                                .json()
                                .get("access_token")
                                .asText())
                .json();
        assertFalse(before.get("emailVerified").asBoolean(), before.toString());
        id("verify-submit").click();
        wait.until(d -> id("verify-result").getText().startsWith("Your address is verified"));
        assertFalse(browser.getCurrentUrl().contains("token"));
        JsonNode me = api.get(
                        "/api/users/me",
                        api.login(p.email(), p.password())
                                .json()
                                .get("access_token")
                                .asText())
                .json();
        assertTrue(me.get("emailVerified").asBoolean());
    }

    @Test
    void anotherSessionIsSignedOutFromThePage() throws Exception {
        Person p = register();
        assertEquals(200, api.login(p.email(), p.password()).status());
        signIn(p.email(), p.password());
        wait.until(d ->
                id("sessions-table").findElements(By.cssSelector("tbody tr")).size() == 3);
        assertTrue(id("sessions-table").getText().contains("this session"));
        id("sessions-table").findElements(By.cssSelector("tbody button")).get(0).click();
        wait.until(d ->
                id("sessions-table").findElements(By.cssSelector("tbody tr")).size() == 2);
        assertEquals(
                1,
                server.number(
                        "select count(*) from sessions s join users u on u.id = s.user_id"
                                + " where u.email = ? and s.revoked_at is not null",
                        p.email()));
        assertTrue(id("sessions-table").getText().contains("this session"), "the page's own session lives");
    }
}
