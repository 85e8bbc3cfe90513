package dev.vigile.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Headless Chromium (Debian's, with its driver) for the browser tests, and their screenshots. */
final class Browsers {
    private Browsers() {}

    /**
     * A headless Chromium, or an aborted test class, reported as skipped with the reason, when this
     * machine has no Chromium and driver (never a silent pass: .ci/run installs both).
     */
    static WebDriver chromium(int width, int height) {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/chromium"))
                        && Files.isExecutable(Path.of("/usr/bin/chromedriver")),
                "Browser tests skipped: /usr/bin/chromium and /usr/bin/chromedriver are not installed here"
                        + " (Debian: apt-get install chromium chromium-driver; .ci/run installs them)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=" + width + "," + height);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver"))
                .build();
        return new ChromeDriver(service, options);
    }

    /** Saves what the browser shows as {@code target/screenshots/<prefix><test method>.png}. */
    static void screenshot(WebDriver browser, TestInfo test, String prefix) throws java.io.IOException {
        Path dir = Path.of(System.getProperty("vigile.screenshots", "target/screenshots"));
        Files.createDirectories(dir);
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(dir.resolve(prefix + test.getTestMethod().orElseThrow().getName() + ".png"), png);
    }
}
