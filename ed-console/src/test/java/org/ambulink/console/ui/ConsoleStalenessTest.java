package org.ambulink.console.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.ambulink.console.testing.ConsoleServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Old data must never look live: with stale-after 2 s and link-down-after 3 s, an ambulance that
 * goes quiet turns the live view's tiles grey with their age, shows the link-down banner and "ECG
 * not live", and the board's card says LINK DOWN; when the appliance posts again, all of it goes.
 */
class ConsoleStalenessTest {
  private ConsoleServer server;
  private Appliance appliance;
  private ConsoleBrowser browser;

  @BeforeEach
  void start() {
    server =
        ConsoleServer.builder()
            .property("ambulink.console.stale-after", "2s")
            .property("ambulink.console.link-down-after", "3s")
            .start();
    appliance = new Appliance(server);
    browser = ConsoleBrowser.start(server.baseUrl());
  }

  @AfterEach
  void stop(TestInfo info) {
    try {
      if (browser != null) {
        browser.finish(info);
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Test
  void a_quiet_ambulance_turns_grey_with_the_link_down_banner_and_comes_back_when_it_posts()
      throws Exception {
    String id = "T-stale-1";
    appliance.post(
        appliance.started(id, "Medic 4", "shortness of breath", 2),
        appliance.position(id, 900, 12000.0));
    browser.login(ConsoleServer.PHYSICIAN);
    browser.open("/live.html?transport=" + id);
    browser.waitFor("the live view", () -> browser.shown("live"));

    // fresh data: live
    appliance.post(
        appliance.vitals(id, Appliance.TYPICAL),
        appliance.alarm(id, "A-1", "HIGH", "active", "SpO2 low 84"));
    browser.timedWait(
        "the heart rate tile",
        () ->
            browser.text("tile-HR-value").equals("128")
                && "false".equals(browser.byTestId("tile-HR").getDomAttribute("data-stale")));
    assertThat(browser.text("link-state")).isEqualTo("LIVE");
    assertThat(browser.shown("link-banner")).isFalse();
    assertThat(browser.text("ecg-overlay-text")).isEqualTo("No live ECG");

    // nothing for longer than stale-after: the tiles grey out and say how old they are
    browser.waitFor(
        "grey tiles",
        Duration.ofSeconds(5),
        () -> "true".equals(browser.byTestId("tile-HR").getDomAttribute("data-stale")));
    assertThat(browser.text("tile-HR-age")).matches("\\d+ s old");
    for (String tile : List.of("tile-SpO2", "tile-NIBP", "tile-RR")) {
      assertThat(browser.byTestId(tile).getDomAttribute("data-stale")).as(tile).isEqualTo("true");
    }
    assertThat(greyValue("tile-HR-value")).as("the value is drawn grey").isTrue();

    // and longer than link-down-after: the banner, LINK DOWN and no live ECG
    browser.waitFor(
        "the link-down banner", Duration.ofSeconds(6), () -> browser.shown("link-banner"));
    assertThat(browser.text("link-banner"))
        .isEqualTo("Link to the ambulance is down — data below is not live");
    assertThat(browser.text("link-state")).isEqualTo("LINK DOWN");
    browser.waitFor("ECG not live", () -> browser.text("ecg-overlay-text").equals("ECG not live"));
    assertThat(browser.shown("ecg-overlay")).isTrue();
    browser.waitFor("an age of 5 s or more", () -> ageSeconds("tile-HR-age") >= 5);
    browser.snapshot("live-stale");

    // the board says the same
    browser.open("/");
    browser.waitFor("the card", () -> browser.card(id) != null);
    browser.waitFor(
        "LINK DOWN on the card", () -> browser.cardText(id, "link-state").equals("LINK DOWN"));
    assertThat(browser.card(id).getDomAttribute("data-stale")).isEqualTo("true");
    assertThat(browser.byTestId("data-age").getDomAttribute("data-stale")).isEqualTo("true");
    browser.snapshot("board-stale");

    // the appliance is back: live again, without a refresh
    browser.open("/live.html?transport=" + id);
    browser.waitFor("the live view", () -> browser.shown("link-banner"));
    appliance.post(appliance.vitals(id, Appliance.TYPICAL));
    browser.waitFor("the banner to go", Duration.ofSeconds(3), () -> !browser.shown("link-banner"));
    assertThat(browser.text("link-state")).isEqualTo("LIVE");
    browser.waitFor(
        "fresh tiles",
        Duration.ofSeconds(2),
        () -> "false".equals(browser.byTestId("tile-HR").getDomAttribute("data-stale")));
    assertThat(browser.text("tile-HR-age")).matches("\\d+ s ago");

    // catching up after an outage: the backfill banner
    appliance.post(5, appliance.vitals(id, Appliance.TYPICAL));
    browser.waitFor(
        "the backfill banner", Duration.ofSeconds(3), () -> browser.shown("backfill-banner"));
    assertThat(browser.text("backfill-banner")).startsWith("Catching up: filling a gap");
    assertThat(browser.text("link-state")).isEqualTo("BACKFILLING");
    browser.snapshot("live-backfilling");
    appliance.post(0, appliance.vitals(id, Appliance.TYPICAL));
    browser.waitFor(
        "the backfill banner to go",
        Duration.ofSeconds(3),
        () -> !browser.shown("backfill-banner"));
  }

  @Test
  void the_live_view_says_so_when_the_browser_loses_the_console_itself() throws Exception {
    String id = "T-stale-2";
    appliance.post(
        appliance.started(id, "Medic 6", "seizure", 2), appliance.position(id, 400, 6000.0));
    try (CuttableProxy proxy = new CuttableProxy(server.port())) {
      browser.login(ConsoleServer.PHYSICIAN);
      browser.driver().get(proxy.baseUrl() + "/live.html?transport=" + id);
      browser.waitFor("the live view", () -> browser.shown("live"));
      appliance.post(appliance.vitals(id, Appliance.TYPICAL));
      browser.timedWait(
          "fresh tiles",
          () -> "false".equals(browser.byTestId("tile-HR").getDomAttribute("data-stale")));
      assertThat(browser.shown("stream-banner")).isFalse();

      proxy.cut();
      browser.waitFor(
          "the console-lost banner", Duration.ofSeconds(5), () -> browser.shown("stream-banner"));
      assertThat(browser.text("stream-banner")).startsWith("Connection to the console lost");
      assertThat(browser.byTestId("tile-HR").getDomAttribute("data-stale")).isEqualTo("true");
      assertThat(browser.text("ecg-overlay-text")).isEqualTo("ECG not live");
      assertThat(browser.text("link-state"))
          .as("the link is unknown now")
          .isEqualTo("NO CONNECTION");
      browser.snapshot("live-console-lost");

      proxy.restore();
      browser.waitFor(
          "the banner to go", Duration.ofSeconds(15), () -> !browser.shown("stream-banner"));
      appliance.post(appliance.vitals(id, Appliance.TYPICAL));
      browser.waitFor(
          "fresh tiles again",
          Duration.ofSeconds(3),
          () -> "false".equals(browser.byTestId("tile-HR").getDomAttribute("data-stale")));
    }
  }

  private boolean greyValue(String testId) {
    String colour =
        (String)
            browser.js(
                "return getComputedStyle(document.querySelector(\"[data-testid='\" + arguments[0]"
                    + " + \"']\")).color;",
                testId);
    // rgb(r, g, b) with r, g and b close together: grey
    String[] p = colour.replaceAll("[^0-9,]", "").split(",");
    int r = Integer.parseInt(p[0]);
    int g = Integer.parseInt(p[1]);
    int b = Integer.parseInt(p[2]);
    return Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) < 40;
  }

  private int ageSeconds(String testId) {
    String text = browser.text(testId);
    String digits = text.replaceAll("[^0-9].*", "");
    return digits.isEmpty() ? -1 : Integer.parseInt(digits);
  }
}
