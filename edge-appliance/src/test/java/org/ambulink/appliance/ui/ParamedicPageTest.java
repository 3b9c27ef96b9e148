package org.ambulink.appliance.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ambulink.appliance.testing.ApplianceClient;
import org.ambulink.appliance.testing.ApplianceServerTest;
import org.ambulink.appliance.testing.Monitors;
import org.ambulink.appliance.testing.StatusContract;
import org.ambulink.appliance.testing.TestDestinations;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7Encoder;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.sim.SimulatorRunner;
import org.ambulink.drivers.transport.tcp.MllpTcpClient;
import org.ambulink.drivers.transport.tcp.MllpTcpListener;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.ambulink.testsupport.HeadlessChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The paramedic page in a real headless Chromium against the whole appliance, fed by the monitor
 * simulator over MLLP/TCP: start a transport through the form, watch it being recorded, hand it
 * over through the confirm step, see problem details of refused actions, and see the page say so
 * when the monitor or the appliance itself stops answering.
 *
 * <p>Chromium and chromedriver are the system's (/usr/bin), started by {@link HeadlessChromium}.
 */
@TestDestinations
@TestPropertySource(properties = "ambulink.intake.stale-after=2s")
class ParamedicPageTest extends ApplianceServerTest {
  private static final Logger log = LoggerFactory.getLogger(ParamedicPageTest.class);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String DESTINATION_ID = "st-elsewhere";
  private static final String DESTINATION_NAME = "St. Elsewhere ED";

  @Autowired MllpTcpListener listener;
  @Autowired WebServerApplicationContext webContext;

  private HeadlessChromium browser;
  private ChromeDriver driver;
  private SimulatorRunner simulator;
  private Thread simulatorThread;

  // ------------------------------------------------------------------ tests

  @Test
  void the_page_is_served_at_the_root_as_html() throws Exception {
    ApplianceClient.Response page = api.fetch("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).get().asString().startsWith("text/html");
    assertThat(page.text()).contains("id=\"btn-start\"").contains("app.js");
    assertThat(api.fetch("/app.js").contentType()).get().asString().contains("javascript");
    assertThat(api.fetch("/app.css").contentType()).get().asString().startsWith("text/css");
  }

  @Test
  @DirtiesContext(methodMode = DirtiesContext.MethodMode.AFTER_METHOD) // stops the web server
  void a_crew_starts_a_transport_hands_it_over_and_sees_when_things_stop_answering(TestInfo info)
      throws Exception {
    startSimulator();
    startBrowser();
    try {
      scenario();
    } catch (Throwable t) {
      snapshot("FAILED-" + info.getTestMethod().map(m -> m.getName()).orElse("test"));
      throw t;
    }
  }

  private void scenario() throws Exception {
    driver.get(base() + "/");
    waitFor("the first status", d -> "up".equals(body().getAttribute("data-link")));

    // The monitor tile turns to connected once the simulator's messages arrive.
    waitForTile("monitor", "ok", "CONNECTED");
    assertThat(byId("state").getAttribute("data-state")).isEqualTo("IDLE");
    assertThat(byId("state").getText()).isEqualTo("NO TRANSPORT");
    assertThat(byId("btn-start").isDisplayed()).isTrue();
    assertThat(byId("btn-handover").isDisplayed()).isFalse();
    assertThat(byId("conn-banner").isDisplayed()).isFalse();
    snapshot("1-idle");
    assertThat(byId("last-update").getText()).matches("\\d\\d:\\d\\d:\\d\\d");
    for (String tile : List.of("monitor", "edlink", "delivery", "ehr", "journal", "gps")) {
      assertThat(byId("tile-" + tile).getAttribute("data-level"))
          .as("tile %s level", tile)
          .isIn("ok", "warn", "bad", "idle");
      assertThat(byId("tile-" + tile + "-word").getText()).as("tile %s word", tile).isNotBlank();
    }

    // A value the server refuses: its problem detail is shown beside the button.
    byId("btn-start").click();
    waitFor("the destinations", d -> byId("dest-" + DESTINATION_ID).isDisplayed());
    assertThat(byId("start-form").isDisplayed()).isTrue();
    assertThat(byId("sex-UNKNOWN").getAttribute("aria-pressed")).isEqualTo("true");
    assertGloveFriendly("landscape");
    driver.manage().window().setSize(new Dimension(800, 1280));
    assertGloveFriendly("portrait");
    snapshot("1-start-form-portrait");
    driver.manage().window().setSize(new Dimension(1280, 800));
    ((JavascriptExecutor) driver)
        .executeScript(
            "document.getElementById('dest-input-' + arguments[0]).value = 'no-such-ed';",
            DESTINATION_ID);
    byId("dest-" + DESTINATION_ID).click();
    byId("crew-1").sendKeys("Medic 12");
    byId("btn-start-confirm").click();
    waitFor("the start error", d -> byId("start-error").isDisplayed());
    String refused =
        post("/api/transports", "{\"destinationId\":\"no-such-ed\",\"crew\":[\"Medic 12\"]}")
            .body()
            .get("detail")
            .asString();
    assertThat(byId("start-error").getText()).isEqualTo(refused).contains("no-such-ed");
    snapshot("2-start-refused");
    assertThat(status().get("state").asString()).isEqualTo("IDLE");
    byId("btn-start-cancel").click();
    assertThat(byId("start-form").isDisplayed()).isFalse();

    // Start transport through the form.
    byId("btn-start").click();
    waitFor("the destinations", d -> byId("dest-" + DESTINATION_ID).isDisplayed());
    assertThat(byId("start-error").isDisplayed()).as("old error cleared").isFalse();
    byId("dest-" + DESTINATION_ID).click();
    byId("crew-1").clear();
    byId("crew-1").sendKeys("Medic 12");
    byId("crew-2").sendKeys("Medic 7");
    byId("sex-FEMALE").click();
    byId("patient-age").sendKeys("60");
    byId("complaint").sendKeys("chest pain");
    byId("esi-2").click();
    assertThat(byId("esi-2").getAttribute("aria-pressed")).isEqualTo("true");
    byId("btn-start-confirm").click();
    waitFor("EN_ROUTE", d -> "EN_ROUTE".equals(byId("state").getAttribute("data-state")));
    assertThat(byId("state").getText()).isEqualTo("EN ROUTE");
    assertThat(byId("start-form").isDisplayed()).isFalse();
    assertThat(byId("btn-start").isDisplayed()).isFalse();

    JsonNode transport = status().get("transport");
    assertHasContractFields(status());
    String transportId = transport.get("id").asString();
    assertThat(transportId).matches("T\\d{8}-\\d{6}-[A-Z0-9]+");
    waitFor("the transport id", d -> transportId.equals(byId("transport-id").getText()));
    assertThat(byId("transport-destination").getText()).isEqualTo(DESTINATION_NAME);
    assertThat(byId("transport-summary").getText()).contains(DESTINATION_NAME);
    assertThat(byId("transport-crew").getText()).isEqualTo("Medic 12, Medic 7");
    // What the form posted, as the appliance recorded it.
    assertThat(transport.get("destination").get("id").asString()).isEqualTo(DESTINATION_ID);
    assertThat(transport.get("crew").toString()).isEqualTo("[\"Medic 12\",\"Medic 7\"]");
    assertThat(transport.get("patient").get("sex").asString()).isEqualTo("FEMALE");
    assertThat(transport.get("patient").get("approximateAgeYears").asInt()).isEqualTo(60);
    assertThat(transport.get("chiefComplaint").asString()).isEqualTo("chest pain");
    assertThat(transport.get("acuity").asString()).isEqualTo("EMERGENT");

    // The journal fills while the monitor sends.
    long entries = entriesShown();
    waitFor("the journaled entries to rise above " + entries, d -> entriesShown() > entries);
    snapshot("3-en-route");

    // Handover asks first; "No" changes nothing.
    byId("btn-handover").click();
    waitFor("the handover question", d -> byId("handover-confirm").isDisplayed());
    assertThat(byId("handover-question").getText())
        .isEqualTo("Hand over to " + DESTINATION_NAME + "?");
    assertThat(byId("btn-handover").isDisplayed()).isFalse();
    snapshot("4-handover-question");
    byId("btn-handover-no").click();
    waitFor("the question to go", d -> !byId("handover-confirm").isDisplayed());
    assertThat(byId("btn-handover").isDisplayed()).isTrue();
    assertThat(status().get("state").asString()).isEqualTo("EN_ROUTE");
    String updated = byId("last-update").getText();
    waitFor("a later status", d -> !updated.equals(byId("last-update").getText()));
    assertThat(byId("state").getAttribute("data-state")).isEqualTo("EN_ROUTE");

    // "Yes" hands over.
    byId("btn-handover").click();
    waitFor("the handover question", d -> byId("btn-handover-yes").isDisplayed());
    byId("btn-handover-yes").click();
    waitFor("HANDED_OVER", d -> "HANDED_OVER".equals(byId("state").getAttribute("data-state")));
    assertThat(byId("state").getText()).isEqualTo("HANDED OVER");
    assertThat(status().get("state").asString()).isEqualTo("HANDED_OVER");
    assertThat(status().get("transport").get("id").asString()).isEqualTo(transportId);
    assertThat(byId("btn-close").isDisplayed()).isTrue();
    assertThat(byId("btn-start").isDisplayed()).as("next patient").isTrue();
    assertThat(byId("btn-handover").isDisplayed()).isFalse();
    assertThat(byId("transport-handedover").getText()).matches("\\d\\d:\\d\\d:\\d\\d");
    snapshot("5-handed-over");

    // Close transport.
    byId("btn-close").click();
    waitFor("IDLE", d -> "IDLE".equals(byId("state").getAttribute("data-state")));
    assertThat(status().get("state").asString()).isEqualTo("IDLE");
    assertThat(byId("transport-panel").isDisplayed()).isFalse();
    assertThat(byId("btn-start").isDisplayed()).isTrue();

    // Someone else starts a transport while this crew fills the form: 409, detail shown.
    byId("btn-start").click();
    waitFor("the destinations", d -> byId("dest-" + DESTINATION_ID).isDisplayed());
    byId("dest-" + DESTINATION_ID).click();
    byId("crew-1").sendKeys("Medic 12");
    ApplianceClient.Response other =
        post(
            "/api/transports",
            "{\"destinationId\":\"county-general\",\"crew\":[\"Medic 3\"],"
                + "\"patient\":{\"name\":\"\",\"sex\":\"UNKNOWN\",\"approximateAgeYears\":null},"
                + "\"chiefComplaint\":\"\",\"acuity\":null}");
    assertThat(other.status()).isEqualTo(201);
    String otherId = other.body().get("id").asString();
    byId("btn-start-confirm").click();
    waitFor("the conflict", d -> byId("start-error").isDisplayed());
    ApplianceClient.Response conflict =
        post("/api/transports", "{\"destinationId\":\"st-elsewhere\",\"crew\":[\"Medic 12\"]}");
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(byId("start-error").getText())
        .isEqualTo(conflict.body().get("detail").asString())
        .contains(otherId);
    byId("btn-start-cancel").click();
    waitFor("the other transport", d -> otherId.equals(byId("transport-id").getText()));
    assertThat(byId("state").getAttribute("data-state")).isEqualTo("EN_ROUTE");
    assertThat(byId("transport-destination").getText()).isEqualTo("County General ED");

    // The monitor stops: its tile turns bad, with words, and the crew gets a warning.
    stopSimulator();
    waitForTile("monitor", "bad", "NOT CONNECTED");
    waitFor(
        "the status warnings in the banner",
        d -> {
          List<String> want = new ArrayList<>();
          status().get("warnings").forEach(w -> want.add(w.asString()));
          List<String> shown =
              byId("warnings-list").findElements(By.tagName("li")).stream()
                  .map(WebElement::getText)
                  .toList();
          return byId("warnings").isDisplayed() && !want.isEmpty() && shown.equals(want);
        });
    assertThat(byId("warnings-list").getText()).contains("Monitor");
    snapshot("6-monitor-lost");

    // The browser loses the appliance: never a page that looks live; back when it answers again.
    driver.setNetworkConditions(new ChromiumNetworkConditions().setOffline(true));
    waitFor("the not-responding banner", d -> byId("conn-banner").isDisplayed());
    assertThat(byId("conn-banner").getText()).contains("Appliance not responding");
    assertThat(body().getAttribute("data-link")).isEqualTo("down");
    assertThat(byId("tile-monitor").getAttribute("data-level")).isEqualTo("stale");
    assertThat(byId("tile-monitor-word").getText()).isEqualTo("NO DATA");
    driver.deleteNetworkConditions();
    waitFor("the banner to go", d -> !byId("conn-banner").isDisplayed());
    waitForTile("monitor", "bad", "NOT CONNECTED");

    // The appliance itself stops answering.
    String lastGood = byId("last-update").getText();
    webContext.getWebServer().stop();
    waitFor("the not-responding banner", d -> byId("conn-banner").isDisplayed());
    assertThat(body().getAttribute("data-link")).isEqualTo("down");
    assertThat(byId("conn-banner-detail").getText()).contains("NOT live");
    waitFor("the age of the last update", d -> byId("last-update").getText().contains("ago"));
    assertThat(byId("last-update").getText()).startsWith(lastGood.substring(0, 5));
    for (String tile : List.of("monitor", "edlink", "delivery", "ehr", "journal", "gps")) {
      assertThat(byId("tile-" + tile).getAttribute("data-level")).isEqualTo("stale");
    }
    snapshot("7-appliance-not-responding");
  }

  /** Every touch target at least 64 px tall, and all six status tiles on screen. */
  private void assertGloveFriendly(String layout) {
    @SuppressWarnings("unchecked")
    List<String> problems =
        (List<String>)
            ((JavascriptExecutor) driver)
                .executeScript(
                    """
                    const bad = [];
                    for (const el of document.querySelectorAll('button, .input, .choice')) {
                      const r = el.getBoundingClientRect();
                      if (r.width === 0 && r.height === 0) continue;
                      if (r.height < 64) {
                        bad.push((el.dataset.testid || el.textContent.trim()) + ' is '
                            + Math.round(r.height) + ' px tall');
                      }
                    }
                    for (const t of document.querySelectorAll('.tile')) {
                      const r = t.getBoundingClientRect();
                      if (r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5
                          || r.right > innerWidth + 0.5) {
                        bad.push(t.dataset.testid + ' is not fully on screen');
                      }
                    }
                    return bad;
                    """);
    assertThat(problems).as("touch targets and tiles, %s", layout).isEmpty();
  }

  /** The fields of GET /api/status the page reads (the REST contract). */
  private static void assertHasContractFields(JsonNode s) {
    Map<String, List<String>> want =
        Map.of(
            "transport", StatusContract.TRANSPORT,
            "monitor", StatusContract.MONITOR,
            "edLink", StatusContract.ED_LINK,
            "edDelivery", StatusContract.ED_DELIVERY,
            "ehr", StatusContract.EHR,
            "gps", StatusContract.GPS,
            "journal", StatusContract.JOURNAL);
    StatusContract.assertFields(s, "status", StatusContract.STATUS);
    want.forEach(
        (object, fields) -> StatusContract.assertFields(s.get(object), "status." + object, fields));
    JsonNode t = s.get("transport");
    for (String f : List.of("id", "name", "latitude", "longitude")) {
      assertThat(t.get("destination").has(f)).as("transport.destination has %s", f).isTrue();
    }
    for (String f : List.of("temporaryId", "name", "sex", "approximateAgeYears")) {
      assertThat(t.get("patient").has(f)).as("transport.patient has %s", f).isTrue();
    }
  }

  // ------------------------------------------------------------------ monitor

  private void startSimulator() throws Exception {
    WfdbRecord record = WfdbReader.read("ecg/100");
    MonitorSimulator sim = Monitors.simulator(record, record.samplingFrequency());
    Hl7Encoder encoder = new Hl7Encoder();
    int port = listener.port();
    simulator =
        SimulatorRunner.builder(
                sim,
                () -> MllpTcpClient.connect("127.0.0.1", port, Duration.ofSeconds(5)),
                m -> encoder.encodeObservationReport(m).getBytes(StandardCharsets.UTF_8),
                Hl7Acks::parse)
            .speed(1)
            .reconnectBackoff(Duration.ofMillis(200), Duration.ofSeconds(1))
            .summaryEvery(Duration.ofMinutes(5))
            .console(line -> log.info("{}", line))
            .build();
    simulatorThread =
        new Thread(
            () -> {
              try {
                simulator.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "monitor-simulator");
    simulatorThread.setDaemon(true);
    simulatorThread.start();
  }

  private void stopSimulator() throws InterruptedException {
    if (simulator != null) {
      simulator.stop();
      simulatorThread.join(Duration.ofSeconds(10).toMillis());
      assertThat(simulatorThread.isAlive()).as("simulator thread ended").isFalse();
      simulator = null;
    }
  }

  // ------------------------------------------------------------------ browser

  private void startBrowser() {
    browser = HeadlessChromium.start(1280, 800);
    driver = browser.driver();
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      stopSimulator();
    } finally {
      quitBrowser();
    }
  }

  /** Quits and checks that chromedriver and every Chromium process it started are gone. */
  private void quitBrowser() {
    if (browser == null) {
      return;
    }
    try {
      browser.close();
    } finally {
      browser = null;
      driver = null;
    }
  }

  /**
   * Saves what the browser shows, as PNG and HTML, in the build folder's ui-screens (key states for
   * a person to look at, and the page at a failure).
   */
  private void snapshot(String name) {
    try {
      browser.snapshot(
          HeadlessChromium.buildDirectory(ParamedicPageTest.class).resolve("ui-screens"), name);
    } catch (Exception e) {
      log.warn("could not save the page as {}", name, e);
    }
  }

  // ------------------------------------------------------------------ page helpers

  private WebElement byId(String testId) {
    return driver.findElement(By.cssSelector("[data-testid='" + testId + "']"));
  }

  private WebElement body() {
    return driver.findElement(By.tagName("body"));
  }

  private long entriesShown() {
    String text = byId("transport-entries").getText().trim();
    return text.isEmpty() ? 0 : Long.parseLong(text);
  }

  private void waitFor(String what, Function<WebDriver, Boolean> condition) {
    new WebDriverWait(driver, WAIT)
        .pollingEvery(Duration.ofMillis(100))
        .withMessage("waiting for " + what)
        .until(condition::apply);
  }

  private void waitForTile(String tile, String level, String word) {
    waitFor(
        "tile " + tile + " to be " + level + " / " + word,
        d ->
            level.equals(byId("tile-" + tile).getAttribute("data-level"))
                && word.equals(byId("tile-" + tile + "-word").getText()));
  }

  // ------------------------------------------------------------------ HTTP helpers

  private String base() {
    return "http://localhost:" + httpPort;
  }

  private JsonNode status() {
    return api.ok("/api/status");
  }

  private ApplianceClient.Response post(String path, String body) {
    return api.post(path, body);
  }
}
