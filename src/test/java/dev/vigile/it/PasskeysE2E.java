package dev.vigile.it;

import static dev.vigile.it.Api.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Passkeys on the account page, in headless Chromium with a virtual authenticator (the Chrome
 * DevTools WebAuthn domain: CTAP2, internal transport, resident keys, user verification): add a
 * passkey, sign out, sign in with it, use it as the second factor, remove it and see the sign-in
 * refused. The page is opened on localhost, the relying party id (browsers refuse an address).
 * Screenshots in target/screenshots, the passkey section's as passkeys-section.png.
 */
@SharedServer
class PasskeysE2E {
    static final TestServer server = TestServer.get();
    static final Api api = new Api();
    WebDriver browser;
    VirtualAuthenticator authenticator;
    WebDriverWait wait;

    @BeforeEach
    void start() {
        browser = Browsers.chromium(1100, 1600);
        // The page re-renders what a condition reads (a table row, say): an element gone stale
        // between finding it and reading it is "not yet", and the next poll finds it again.
        wait = (WebDriverWait) new WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        authenticator = ((HasVirtualAuthenticator) browser)
                .addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                        .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                        .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                        .setHasResidentKey(true)
                        .setHasUserVerification(true)
                        .setIsUserVerified(true)
                        .setIsUserConsenting(true));
    }

    @AfterEach
    void stop(TestInfo test) throws Exception {
        if (browser != null) {
            Browsers.screenshot(browser, test, "passkeys-");
            browser.quit();
        }
    }

    WebElement id(String id) {
        return browser.findElement(By.id(id));
    }

    void type(String field, String text) {
        id(field).clear();
        id(field).sendKeys(text);
    }

    void openSignIn() {
        browser.get(server.webAuthnOrigin() + "/account/");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    void signInWithPassword(String email, String password) {
        openSignIn();
        type("login-email", email);
        type("login-password", password);
        id("login-submit").click();
    }

    void signedInAs(String email) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        wait.until(d -> id("who").getText().equals(email));
    }

    void signOut() {
        id("logout").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
    }

    long passkeySignIns(String userId) throws Exception {
        return server.number(
                "select count(*) from audit_events where action = 'auth.login' and actor_id = ?"
                        + " and details->>'method' = 'passkey'",
                UUID.fromString(userId));
    }

    /**
     * A virtual authenticator answers a conditional (autofill) request at once, as a user picking
     * the passkey in the email field would: this test follows the button and the second step, in a
     * browser without autofill for passkeys.
     */
    void withoutPasskeyAutofill() {
        ((org.openqa.selenium.chromium.ChromiumDriver) browser)
                .executeCdpCommand(
                        "Page.addScriptToEvaluateOnNewDocument",
                        java.util.Map.of(
                                "source", "PublicKeyCredential.isConditionalMediationAvailable = async () => false;"));
    }

    @Test
    void theLoginPageOffersThePasskeyInAutofillAndItSignsIn() throws Exception {
        Api.Account a = api.account(api.adminToken());
        signInWithPassword(a.email(), a.password());
        signedInAs(a.email());
        type("passkey-password", a.password());
        id("passkey-add").click();
        wait.until(d -> id("passkeys-table").getText().contains("Passkey 1"));
        id("logout").click();
        // The sign-in page asks for a passkey with mediation "conditional"; the authenticator answers.
        wait.until(d -> {
            try {
                return passkeySignIns(a.id()) == 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        signedInAs(a.email());
        wait.until(d -> !id("passkeys-table")
                .findElement(By.cssSelector("tbody tr[data-passkey] td:nth-child(3)"))
                .getText()
                .isBlank());
    }

    @Test
    void aPasskeyIsAddedSignsInIsASecondFactorAndOnceRemovedSignsInNoMore() throws Exception {
        withoutPasskeyAutofill();
        Api.Account a = api.account(api.adminToken());
        signInWithPassword(a.email(), a.password());
        signedInAs(a.email());
        wait.until(d -> id("passkeys-table").getText().contains("No passkey yet."));

        type("passkey-name", "This laptop");
        type("passkey-password", a.password());
        id("passkey-add").click();
        wait.until(d -> id("passkeys-table").getText().contains("This laptop"));
        assertEquals(1, authenticator.getCredentials().size(), "the authenticator holds the new passkey");
        assertTrue(authenticator.getCredentials().get(0).isResidentCredential(), "a discoverable credential");
        assertEquals(
                1,
                api.get("/api/users/me", a.token()).json().get("passkeyCount").asInt());
        Path dir = Path.of(System.getProperty("vigile.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        Files.write(dir.resolve("passkeys-section.png"), id("passkeys-part").getScreenshotAs(OutputType.BYTES));

        // Sign out, then in with the passkey: no email typed.
        signOut();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("passkey-signin")));
        id("passkey-signin").click();
        signedInAs(a.email());
        assertEquals(1, passkeySignIns(a.id()));
        wait.until(d -> !id("passkeys-table")
                .findElements(By.cssSelector("tbody tr[data-passkey]"))
                .isEmpty());
        wait.until(d -> !id("passkeys-table")
                .findElement(By.cssSelector("tbody tr[data-passkey] td:nth-child(3)"))
                .getText()
                .isBlank());

        // With TOTP on, the passkey is offered at the second step, and passes it.
        String token =
                api.login(a.email(), a.password()).json().get("access_token").asText();
        MfaIT.confirmEnrollment(api, token, MfaIT.startEnrollment(api, token, a.password()));
        signOut();
        signInWithPassword(a.email(), a.password());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mfa-passkey")));
        id("mfa-passkey").click();
        signedInAs(a.email());
        assertEquals(
                1,
                server.number(
                        "select count(*) from audit_events where action = 'auth.login' and actor_id = ?"
                                + " and details->>'mfa' = 'passkey'",
                        UUID.fromString(a.id())));

        // Removed from the page, the passkey no longer signs in, though the authenticator still offers it.
        wait.until(d -> !id("passkeys-table")
                .findElements(By.cssSelector("button.passkey-remove"))
                .isEmpty());
        id("passkeys-table")
                .findElement(By.cssSelector("button.passkey-remove"))
                .click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> id("passkeys-table").getText().contains("No passkey yet."));
        assertEquals(
                0, api.get("/api/users/me", token).json().get("passkeyCount").asInt());
        signOut();
        String unknown = "select count(*) from audit_events where action = 'auth.login.failed'"
                + " and details->>'method' = 'passkey' and details->>'reason' = ?";
        long before = server.number(unknown, "unknown credential");
        id("passkey-signin").click();
        wait.until(d -> id("status").getText().contains("did not sign you in"));
        assertTrue(id("login-form").isDisplayed());
        assertEquals(before + 1, server.number(unknown, "unknown credential"));
        assertEquals(2, passkeySignIns(a.id()), "the refused sign-in started no session");
        assertEquals(
                200,
                api.post("/api/auth/passkey/options", obj()).status(),
                "the page's failures did not lock the address out of passkeys");
    }
}
