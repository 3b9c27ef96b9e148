package org.ambulink.console.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.testsupport.HeadlessChromium;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A headless Chromium on the console's pages: logs in through the form, finds elements by their
 * {@code data-testid}, waits for what the page shows, saves screenshots, and records every
 * content-security-policy violation and script error of the pages (installed before any page script
 * runs), so that a test can require there were none.
 */
final class ConsoleBrowser implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleBrowser.class);
  static final Duration WAIT = Duration.ofSeconds(15);

  /** Runs in every page before its own scripts: collects CSP violations and script errors. */
  private static final String PROBLEM_RECORDER =
      """
      window.__problems = [];
      document.addEventListener('securitypolicyviolation', function (e) {
        window.__problems.push('CSP violation: ' + e.violatedDirective + ' blocked '
            + (e.blockedURI || 'inline') + ' at ' + (e.sourceFile || location.pathname)
            + ':' + e.lineNumber);
      });
      window.addEventListener('error', function (e) {
        window.__problems.push('script error: ' + e.message + ' at ' + e.filename + ':' + e.lineno);
      });
      window.addEventListener('unhandledrejection', function (e) {
        window.__problems.push('unhandled rejection: '
            + (e.reason && e.reason.message ? e.reason.message : String(e.reason)));
      });
      """;

  private final HeadlessChromium chromium;
  private final ChromeDriver driver;
  private final String baseUrl;
  private final Path screenshots;

  private ConsoleBrowser(HeadlessChromium chromium, String baseUrl, Path screenshots) {
    this.chromium = chromium;
    this.driver = chromium.driver();
    this.baseUrl = baseUrl;
    this.screenshots = screenshots;
  }

  /** A 1600×1000 window (a workstation), screenshots in the build folder's {@code screenshots}. */
  static ConsoleBrowser start(String baseUrl) {
    HeadlessChromium chromium = HeadlessChromium.start(1600, 1000);
    try {
      chromium
          .driver()
          .executeCdpCommand(
              "Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBLEM_RECORDER));
    } catch (RuntimeException e) {
      chromium.close();
      throw e;
    }
    return new ConsoleBrowser(
        chromium,
        baseUrl,
        HeadlessChromium.buildDirectory(ConsoleBrowser.class).resolve("screenshots"));
  }

  ChromeDriver driver() {
    return driver;
  }

  void open(String path) {
    driver.get(baseUrl + path);
  }

  String path() {
    String url = driver.getCurrentUrl();
    return url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
  }

  /** Logs in through the login page's form and waits for the page it lands on. */
  void login(String username, String password) {
    open("/login.html");
    waitFor("the login form", () -> present("username"));
    waitFor("the CSRF field", () -> !byTestId("csrf").getDomProperty("value").isEmpty());
    byTestId("username").sendKeys(username);
    byTestId("password").sendKeys(password);
    byTestId("login-submit").click();
    waitFor("leaving the login page", () -> !path().equals("/login.html"));
  }

  void login(String username) {
    login(username, ConsoleServer.PASSWORD);
    assertThat(path()).as("landing page of %s", username).doesNotContain("error");
  }

  void logout() {
    byTestId("logout").click();
    waitFor("the logged-out login page", () -> path().equals("/login.html?logout"));
  }

  WebElement byTestId(String id) {
    return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
  }

  List<WebElement> allByTestId(String id) {
    return driver.findElements(By.cssSelector("[data-testid='" + id + "']"));
  }

  boolean present(String id) {
    return !allByTestId(id).isEmpty();
  }

  /** The board's card of a transport, if shown. */
  WebElement card(String transportId) {
    List<WebElement> cards =
        driver.findElements(
            By.cssSelector(
                "[data-testid='transport-card'][data-transport-id='" + transportId + "']"));
    return cards.isEmpty() ? null : cards.get(0);
  }

  /** Text of a test id inside a card; "" when absent (read in one step in the page). */
  String cardText(String transportId, String testId) {
    Object text =
        js(
            "const e = document.querySelector(\"[data-testid='transport-card'][data-transport-id='\""
                + " + arguments[0] + \"'] [data-testid='\" + arguments[1] + \"']\");"
                + "return e ? e.innerText.trim() : '';",
            transportId,
            testId);
    return text == null ? "" : text.toString();
  }

  String text(String testId) {
    List<WebElement> e = allByTestId(testId);
    return e.isEmpty() ? "" : e.get(0).getText();
  }

  boolean shown(String testId) {
    List<WebElement> e = allByTestId(testId);
    return !e.isEmpty() && e.get(0).isDisplayed();
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  Object asyncJs(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
  }

  /** The HTTP status of a GET from the page (with its session). */
  long fetchStatus(String path) {
    return (Long)
        asyncJs(
            "const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0], {credentials: 'same-origin'})"
                + ".then(r => done(r.status), e => done(-1));",
            path);
  }

  static final Duration LIVE_UPDATE_WAIT = Duration.ofSeconds(10);

  void waitFor(String what, BooleanSupplier condition) {
    waitFor(what, WAIT, condition);
  }

  /**
   * Waits for a live update (generously: a busy machine must not fail the test) and prints how long
   * it took.
   */
  void timedWait(String what, BooleanSupplier condition) {
    long start = System.nanoTime();
    waitFor(what, LIVE_UPDATE_WAIT, condition);
    System.out.printf(
        "%s: on the page after %d ms%n", what, (System.nanoTime() - start) / 1_000_000);
  }

  void waitFor(String what, Duration timeout, BooleanSupplier condition) {
    new WebDriverWait(driver, timeout)
        .pollingEvery(Duration.ofMillis(50))
        .ignoring(NoSuchElementException.class)
        .ignoring(StaleElementReferenceException.class)
        .withMessage("waiting " + timeout.toMillis() + " ms for " + what)
        .until(d -> condition.getAsBoolean());
  }

  /** CSP violations and script errors of the current page so far. */
  @SuppressWarnings("unchecked")
  List<String> pageProblems() {
    Object p = js("return window.__problems || [];");
    return (List<String>) p;
  }

  void assertNoPageProblems() {
    assertThat(pageProblems()).as("CSP violations and script errors on %s", path()).isEmpty();
  }

  /**
   * The end of a test: no page problems (else a {@code FAILED-<test>} snapshot and the failure),
   * then the browser closed whatever happened.
   */
  void finish(TestInfo info) {
    try {
      assertNoPageProblems();
    } catch (AssertionError e) {
      snapshot("FAILED-" + info.getTestMethod().map(m -> m.getName()).orElse("test"));
      throw e;
    } finally {
      close();
    }
  }

  /** Saves the page as PNG (and HTML) in the build folder's screenshots. */
  void snapshot(String name) {
    try {
      Path png = chromium.snapshot(screenshots, name);
      log.info("screenshot {}", png);
    } catch (Exception e) {
      log.warn("could not save the page as {}", name, e);
    }
  }

  @Override
  public void close() {
    chromium.close();
  }
}
