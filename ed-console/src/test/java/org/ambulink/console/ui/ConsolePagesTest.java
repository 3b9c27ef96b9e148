package org.ambulink.console.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ambulink.console.testing.Answer;
import org.ambulink.console.testing.ConsoleServer;
import org.ambulink.console.testing.StaffClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/**
 * The console's pages in a real headless Chromium against the whole console (in this JVM, fresh
 * H2), fed by HTTP posts exactly like an appliance's: login, the incoming board updating itself,
 * the live view with vitals, alarms and acknowledgement, the ECG canvas, the admin page, and the
 * security rules that keep ED staff to their own ED. Every page must run without a content security
 * policy violation or a script error.
 */
class ConsolePagesTest {
  private static ConsoleServer server;
  private static Appliance appliance;
  private static ScheduledExecutorService heartbeat;

  private ConsoleBrowser browser;

  @BeforeAll
  static void startConsole() {
    server = ConsoleServer.start();
    appliance = new Appliance(server);
    // like the real appliance: a heartbeat every few seconds keeps its link LIVE
    heartbeat = Executors.newSingleThreadScheduledExecutor();
    heartbeat.scheduleWithFixedDelay(
        () -> {
          try {
            appliance.heartbeat();
          } catch (Throwable t) {
            // the next one may get through; the tests see the link state
          }
        },
        0,
        2,
        TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopConsole() throws InterruptedException {
    if (heartbeat != null) {
      heartbeat.shutdownNow();
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void startBrowser() {
    browser = ConsoleBrowser.start(server.baseUrl());
  }

  @AfterEach
  void stopBrowser(TestInfo info) {
    if (browser == null) {
      return;
    }
    try {
      browser.finish(info);
    } finally {
      browser = null;
    }
  }

  // ------------------------------------------------------------------ login

  @Test
  void a_wrong_password_shows_the_error_and_a_physician_lands_on_the_board() {
    browser.open("/login.html");
    assertThat(browser.text("product-name")).isEqualTo("AmbuLink ED console");
    assertThat(browser.shown("login-error")).isFalse();

    browser.login(ConsoleServer.PHYSICIAN, "not the password");
    assertThat(browser.path()).isEqualTo("/login.html?error");
    browser.waitFor("the error message", () -> browser.shown("login-error"));
    assertThat(browser.text("login-error")).isEqualTo("Wrong username or password");
    browser.snapshot("login-error");

    browser.open("/login.html?locked=7");
    browser.waitFor("the lockout message", () -> browser.shown("login-locked"));
    assertThat(browser.text("login-locked"))
        .isEqualTo("Too many failed attempts; try again in 7 minutes");
    assertThat(browser.shown("login-error")).isFalse();

    browser.login(ConsoleServer.PHYSICIAN);
    assertThat(browser.path()).isEqualTo("/");
    browser.waitFor(
        "the user in the top bar", () -> browser.text("user-name").equals(ConsoleServer.PHYSICIAN));
    assertThat(browser.text("user-role")).isEqualTo("physician");
    assertThat(browser.text("ed-name")).isNotBlank();
    assertThat(browser.present("board")).isTrue();
    browser.assertNoPageProblems();

    browser.logout();
    browser.waitFor("the signed-out message", () -> browser.shown("login-logout"));
    browser.open("/");
    browser.waitFor("the login page again", () -> browser.path().startsWith("/login.html"));
  }

  // ------------------------------------------------------------------ board

  /**
   * The board follows the appliance by itself. How fast is measured by the load benchmark (p99
   * change to visible, docs/benchmarks.md), not asserted here: a timed assertion fails on a busy
   * machine. The waits print how long each update took.
   */
  @Test
  void the_board_follows_an_appliance_without_a_refresh() {
    String id = "T-board-1";
    browser.login(ConsoleServer.PHYSICIAN);
    browser.waitFor("the board stream", () -> "open".equals(bodyData("stream")));
    browser.js("window.__sameDocument = 'yes';");

    appliance.post(
        appliance.started(id, "Medic 12, Medic 7", "chest pain, diaphoretic", 2),
        appliance.position(id, 7 * 60, 4200.0));
    browser.timedWait("the new card", () -> browser.card(id) != null);
    browser.timedWait(
        "the card's content", () -> browser.cardText(id, "unit").equals("Medic 12, Medic 7"));
    assertThat(browser.cardText(id, "complaint")).isEqualTo("chest pain, diaphoretic");
    assertThat(browser.cardText(id, "eta")).isIn("7 min", "6 min");
    assertThat(browser.cardText(id, "esi")).isEqualTo("ESI 2");
    assertThat(browser.cardText(id, "link-state")).isEqualTo("LIVE");
    assertThat(browser.card(id).getDomAttribute("data-new")).isEqualTo("true");
    assertThat(browser.card(id).getDomAttribute("href")).isEqualTo("/live.html?transport=" + id);
    assertThat(browser.cardText(id, "handover-status")).startsWith("En route since ");

    appliance.post(appliance.vitals(id, Appliance.TYPICAL));
    browser.timedWait(
        "the heart rate on the card", () -> browser.cardText(id, "vital-HR-value").equals("128"));
    assertThat(browser.cardText(id, "vital-SpO2-value")).isEqualTo("91");
    assertThat(browser.cardText(id, "vital-NIBP-value")).isEqualTo("92/58");
    assertThat(browser.cardText(id, "vital-RR-value")).isEqualTo("24");
    assertThat(browser.cardText(id, "data-age")).matches("updated \\d+ s ago");
    assertThat(browser.cardText(id, "alarm-banner")).isEmpty();

    appliance.post(appliance.alarm(id, "A-1", "HIGH", "active", "VT / VF"));
    browser.timedWait(
        "the alarm on the card", () -> browser.cardText(id, "alarm-banner").contains("VT / VF"));
    assertThat(browser.card(id).getDomAttribute("data-alarm")).isEqualTo("HIGH");
    assertThat(browser.card(id).getDomAttribute("class")).contains("alarm-high");
    assertThat(browser.cardText(id, "alarm-banner")).startsWith("HIGH");

    // a second ambulance, nearer: listed first (soonest ETA at the top)
    String near = "T-board-2";
    appliance.post(
        appliance.started(near, "Medic 3", "fall, hip pain", 4),
        appliance.position(near, 120, 900.0));
    browser.timedWait("the second card", () -> browser.card(near) != null);
    List<String> order =
        browser.allByTestId("transport-card").stream()
            .map(c -> c.getDomAttribute("data-transport-id"))
            .filter(t -> t.equals(id) || t.equals(near))
            .toList();
    assertThat(order).containsExactly(near, id);
    browser.snapshot("board");

    // handed over: says when
    appliance.post(
        appliance.transport(near, "HANDED_OVER", ConsoleServer.ED, "Medic 3", "fall, hip pain", 4));
    String hhmm = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm"));
    browser.timedWait(
        "the handover status",
        () -> browser.cardText(near, "handover-status").startsWith("Handed over "));
    assertThat(browser.cardText(near, "handover-status"))
        .isIn("Handed over " + hhmm, "Handed over " + LocalTime.now().format(hm()));
    assertThat(browser.cardText(near, "eta")).isEqualTo("handed over");
    browser.snapshot("board-handed-over");

    assertThat(browser.js("return window.__sameDocument;"))
        .as("the page was never reloaded")
        .isEqualTo("yes");
  }

  @Test
  void a_physician_of_another_ed_does_not_see_the_transport_and_gets_404_on_its_live_view() {
    String id = "T-other-ed";
    appliance.post(
        appliance.started(id, "Medic 5", "stroke symptoms", 1),
        appliance.position(id, 300, 5000.0));

    browser.login(ConsoleServer.OTHER_ED_PHYSICIAN);
    browser.waitFor("the board stream", () -> "open".equals(bodyData("stream")));
    browser.waitFor("the board to load", () -> browser.text("board-count").contains("en route"));
    assertThat(browser.card(id)).isNull();
    assertThat(browser.fetchStatus("/api/transports/" + id)).isEqualTo(404);
    assertThat(browser.fetchStatus("/api/transports/" + id + "/stream")).isEqualTo(404);

    browser.open("/live.html?transport=" + id);
    browser.waitFor("the not-found message", () -> browser.shown("not-found"));
    assertThat(browser.text("not-found-text")).contains(id).contains("your ED");
    assertThat(browser.shown("live")).isFalse();

    // the physician of the right ED sees it
    StaffClient own = StaffClient.loggedIn(server, ConsoleServer.PHYSICIAN);
    assertThat(own.ok("/api/transports/" + id).get("unit").asString()).isEqualTo("Medic 5");
  }

  // ------------------------------------------------------------------ live view

  @Test
  void the_live_view_shows_vitals_and_alarms_and_an_acknowledgement_is_audited() {
    String id = "T-live-1";
    appliance.post(
        appliance.started(id, "Medic 12", "anaphylaxis", 1),
        appliance.position(id, 11 * 60, 8000.0),
        appliance.vitals(id, Appliance.TYPICAL),
        appliance.alarm(id, "A-HR", "HIGH", "active", "HR high 128"),
        appliance.alarm(id, "A-SPO2", "MEDIUM", "active", "SpO2 low 91"));

    browser.login(ConsoleServer.NURSE);
    browser.waitFor("the card", () -> browser.card(id) != null);
    browser.card(id).click();
    browser.waitFor("the live view", () -> browser.path().equals("/live.html?transport=" + id));
    browser.waitFor("the heart rate tile", () -> browser.text("tile-HR-value").equals("128"));
    assertThat(browser.text("unit")).isEqualTo("Medic 12");
    assertThat(browser.text("complaint")).isEqualTo("anaphylaxis");
    assertThat(browser.text("esi")).isEqualTo("ESI 1");
    assertThat(browser.text("eta")).isIn("11 min", "10 min");
    assertThat(browser.text("link-state")).isEqualTo("LIVE");
    assertThat(browser.text("tile-SpO2-value")).isEqualTo("91");
    assertThat(browser.text("tile-NIBP-value")).isEqualTo("92/58");
    assertThat(browser.text("tile-NIBP-unit")).isEqualTo("mmHg");
    assertThat(browser.text("tile-NIBP-sub")).isEqualTo("MAP 69");
    assertThat(browser.text("tile-RR-value")).isEqualTo("24");
    assertThat(browser.text("tile-Temp-value")).isEqualTo("37.8");
    assertThat(browser.text("tile-Temp-unit")).isEqualTo("°C");
    assertThat(browser.byTestId("tile-HR").getDomAttribute("data-stale")).isEqualTo("false");
    assertThat(browser.text("tile-HR-age")).matches("\\d+ s ago");
    assertThat(browser.shown("link-banner")).isFalse();
    assertThat(browser.shown("backfill-banner")).isFalse();
    // the video placeholder, for the WebRTC session to attach a stream to
    WebElement video = browser.driver().findElement(By.id("video"));
    assertThat(video.getDomProperty("muted")).isEqualTo("true");
    assertThat(video.getDomAttribute("autoplay")).isNotNull();
    assertThat(video.getDomAttribute("playsinline")).isNotNull();
    assertThat(browser.text("video-overlay")).isEqualTo("video not connected");

    List<WebElement> alarms = browser.allByTestId("alarm");
    assertThat(alarms).hasSize(2);
    assertThat(alarms.get(0).getDomAttribute("data-alarm-id")).isEqualTo("A-HR");
    assertThat(alarms.get(0).getDomAttribute("data-priority")).isEqualTo("HIGH");
    assertThat(alarms.get(1).getDomAttribute("data-priority")).isEqualTo("MEDIUM");
    assertThat(alarmText("A-HR", "alarm-text")).isEqualTo("HR high 128");
    browser.snapshot("live-alarm");

    alarm("A-HR").findElement(By.cssSelector("[data-testid='ack-button']")).click();
    browser.waitFor(
        "the acknowledgement", () -> alarmText("A-HR", "alarm-acked").startsWith("acknowledged"));
    assertThat(alarmText("A-HR", "alarm-acked"))
        .matches("acknowledged by " + ConsoleServer.NURSE + " at \\d\\d:\\d\\d");
    assertThat(alarm("A-SPO2").findElements(By.cssSelector("[data-testid='ack-button']")))
        .hasSize(1);
    browser.snapshot("live-acknowledged");

    // the board no longer singles the acknowledged HIGH alarm out; the MEDIUM one is still open
    browser.open("/");
    browser.waitFor(
        "the card's remaining alarm",
        () -> browser.cardText(id, "alarm-banner").contains("SpO2 low 91"));
    assertThat(browser.card(id).getDomAttribute("data-alarm")).isEqualTo("MEDIUM");

    // the audit log has the login, the live view (with the address) and the acknowledgement
    StaffClient admin = StaffClient.loggedIn(server, ConsoleServer.ADMIN);
    List<JsonNode> entries = new ArrayList<>();
    admin.ok("/api/admin/audit?limit=1000").forEach(entries::add);
    assertThat(entries)
        .anyMatch(
            e ->
                e.get("action").asString().equals("LOGIN")
                    && e.get("actor").asString().equals(ConsoleServer.NURSE)
                    && e.get("address").asString().equals("127.0.0.1"));
    assertThat(entries)
        .anyMatch(
            e ->
                e.get("action").asString().equals("VIEW_LIVE")
                    && e.get("actor").asString().equals(ConsoleServer.NURSE)
                    && e.get("target").asString().equals("transport " + id)
                    && e.get("address").asString().equals("127.0.0.1"));
    assertThat(entries)
        .anyMatch(
            e ->
                e.get("action").asString().equals("ALARM_ACK")
                    && e.get("actor").asString().equals(ConsoleServer.NURSE)
                    && e.get("target").asString().equals("transport " + id + " alarm A-HR"));
  }

  @Test
  void the_ecg_canvas_shows_a_grid_and_no_live_ecg_until_fed_then_sweeps() {
    String id = "T-ecg-1";
    appliance.post(
        appliance.started(id, "Medic 8", "palpitations", 3), appliance.position(id, 600, 9000.0));
    browser.login(ConsoleServer.PHYSICIAN);
    browser.open("/live.html?transport=" + id);
    browser.waitFor("the live view", () -> browser.shown("live"));
    browser.waitFor("the canvas to be sized", () -> canvasWidth() > 300);

    // the grid: several colours (background, minor and major lines), and no trace pretending
    @SuppressWarnings("unchecked")
    List<Long> colours = (List<Long>) browser.js(CANVAS_STATS);
    assertThat(colours.get(0)).as("distinct colours in the grid").isGreaterThanOrEqualTo(3);
    assertThat(colours.get(1)).as("bright green trace pixels before any sample").isZero();
    assertThat(browser.shown("ecg-overlay")).isTrue();
    assertThat(browser.text("ecg-overlay-text")).isEqualTo("No live ECG");
    assertThat(browser.text("ecg-scale")).isEqualTo("25 mm/s · 10 mm/mV");
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> status =
        (java.util.Map<String, Object>) browser.js("return window.ambulinkEcg.status();");
    assertThat(((Number) status.get("pxPerMm")).doubleValue()).isCloseTo(3.78, within(0.01));
    List<String> leads =
        browser.byTestId("ecg-lead").findElements(By.tagName("option")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(leads)
        .containsExactly("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");

    // synthetic 12-lead samples at 500 Hz, pushed every 40 ms as the WebRTC session will
    browser.js(FEED);
    browser.waitFor("the overlay to go", () -> !browser.shown("ecg-overlay"));
    browser.waitFor(
        "a trace", () -> ((List<?>) browser.js(CANVAS_STATS)).get(1) instanceof Long l && l > 50);
    String first = canvasHash();
    browser.waitFor("the sweep to move", Duration.ofSeconds(3), () -> !canvasHash().equals(first));
    browser.snapshot("live-ecg");

    browser.byTestId("ecg-12lead").click();
    browser.waitFor(
        "the 12-lead layout",
        () ->
            "12"
                .equals(
                    ((java.util.Map<?, ?>) browser.js("return window.ambulinkEcg.status();"))
                        .get("layout")));
    String twelve = canvasHash();
    browser.waitFor("the 12-lead sweep", Duration.ofSeconds(3), () -> !canvasHash().equals(twelve));
    browser.snapshot("live-ecg-12lead");

    // the samples stop: the trace freezes and the canvas says so
    browser.js("clearInterval(window.__feed);");
    browser.waitFor(
        "ECG not live",
        () ->
            browser.shown("ecg-overlay")
                && browser.text("ecg-overlay-text").equals("ECG not live"));
  }

  // ------------------------------------------------------------------ admin

  @Test
  void the_admin_page_lists_the_audit_log_verifies_it_and_manages_users_and_appliances() {
    browser.login(ConsoleServer.ADMIN);
    assertThat(browser.path()).isEqualTo("/admin.html");
    browser.waitFor("the audit rows", () -> !browser.allByTestId("audit-row").isEmpty());
    List<String> actions =
        browser.allByTestId("audit-action").stream().map(WebElement::getText).toList();
    assertThat(actions).contains("LOGIN");
    assertThat(browser.allByTestId("audit-row").get(0).getDomAttribute("data-action"))
        .as("newest first")
        .isEqualTo("LOGIN");
    List<Long> ids =
        browser.allByTestId("audit-row").stream()
            .map(r -> Long.parseLong(r.getDomAttribute("data-id")))
            .toList();
    assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder());

    browser.byTestId("audit-verify").click();
    browser.waitFor(
        "the verification",
        () -> browser.byTestId("verify-result").getDomAttribute("data-intact") != null);
    assertThat(browser.byTestId("verify-result").getDomAttribute("data-intact")).isEqualTo("true");
    assertThat(browser.text("verify-result")).contains("intact");
    assertThat(browser.byTestId("audit-export").getDomAttribute("href"))
        .isEqualTo("/api/admin/audit/export");

    browser.waitFor("the users", () -> !browser.allByTestId("user-row").isEmpty());
    assertThat(
            browser.allByTestId("user-row").stream().map(r -> r.getDomAttribute("data-username")))
        .contains(ConsoleServer.PHYSICIAN, ConsoleServer.NURSE, ConsoleServer.ADMIN);
    browser.byTestId("user-username").sendKeys("dr.new");
    browser.byTestId("user-password").sendKeys("a long enough password 123");
    browser.byTestId("user-create").click();
    browser.waitFor(
        "the new user",
        () ->
            browser.allByTestId("user-row").stream()
                .anyMatch(r -> "dr.new".equals(r.getDomAttribute("data-username"))));

    browser.waitFor("the devices", () -> !browser.allByTestId("device-row").isEmpty());
    assertThat(browser.allByTestId("device-row").get(0).getDomAttribute("data-device-id"))
        .isEqualTo(ConsoleServer.DEVICE_ID);
    browser.byTestId("device-id").sendKeys("medic-99");
    browser.byTestId("device-description").sendKeys("spare appliance");
    browser.byTestId("device-register").click();
    browser.waitFor("the new token", () -> browser.shown("device-token-box"));
    assertThat(browser.text("device-token")).hasSizeGreaterThanOrEqualTo(32);
    browser.waitFor(
        "the device registered in the audit table",
        () ->
            browser.allByTestId("audit-action").stream()
                .anyMatch(a -> a.getText().equals("DEVICE_REGISTERED")));
    browser.js("window.scrollTo(0, 0);");
    browser.snapshot("admin");

    WebElement row = deviceRow("medic-99");
    row.findElement(By.cssSelector("[data-testid='device-revoke']")).click();
    deviceRow("medic-99").findElement(By.cssSelector("[data-testid='device-revoke']")).click();
    browser.waitFor("the revocation", () -> deviceRow("medic-99").getText().contains("revoked"));
  }

  @Test
  void clinical_staff_get_403_on_the_admin_page_and_every_page_has_the_content_security_policy() {
    StaffClient physician = StaffClient.loggedIn(server, ConsoleServer.PHYSICIAN);
    assertThat(physician.fetch("/admin.html").status()).isEqualTo(403);
    assertThat(physician.fetch("/js/admin.js").status()).isEqualTo(403);
    assertThat(physician.fetch("/api/admin/audit").status()).isEqualTo(403);
    for (String page :
        List.of("/", "/index.html", "/live.html", "/js/board.js", "/css/console.css")) {
      Answer r = physician.fetch(page);
      assertThat(r.status()).as(page).isEqualTo(200);
      assertCsp(r, page);
    }
    StaffClient admin = StaffClient.loggedIn(server, ConsoleServer.ADMIN);
    Answer adminPage = admin.fetch("/admin.html");
    assertThat(adminPage.status()).isEqualTo(200);
    assertCsp(adminPage, "/admin.html");
    assertThat(admin.fetch("/").status()).as("the board is for clinical staff").isEqualTo(403);
    StaffClient anonymous = new StaffClient(server.baseUrl());
    Answer login = anonymous.fetch("/login.html");
    assertThat(login.status()).isEqualTo(200);
    assertCsp(login, "/login.html");
    assertThat(anonymous.fetch("/js/login.js").status()).isEqualTo(200);
    assertThat(anonymous.fetch("/js/board.js").status()).isEqualTo(302);
    assertThat(anonymous.fetch("/api/board").status()).isEqualTo(401);

    // the pages themselves: no inline script or style anywhere
    for (String file : List.of("/login.html", "/", "/live.html")) {
      String html = file.equals("/login.html") ? login.text() : physician.fetch(file).text();
      assertThat(html)
          .as(file)
          .doesNotContain("style=")
          .doesNotContain("onclick")
          .doesNotContain("<style");
      assertThat(html.replaceAll("<script src=\"[^\"]+\" defer></script>", ""))
          .as(file)
          .doesNotContain("<script");
    }

    // in the browser, as the physician: the admin page is refused
    browser.login(ConsoleServer.PHYSICIAN);
    assertThat(browser.fetchStatus("/admin.html")).isEqualTo(403);
    assertThat(browser.fetchStatus("/api/admin/audit")).isEqualTo(403);
  }

  // ------------------------------------------------------------------ helpers

  private static void assertCsp(Answer r, String page) {
    String csp = r.header("Content-Security-Policy").orElse("");
    assertThat(csp)
        .as("CSP of %s", page)
        .contains("script-src 'self'")
        .contains("style-src 'self'");
    assertThat(csp).as("CSP of %s", page).doesNotContain("unsafe-inline");
  }

  private static DateTimeFormatter hm() {
    return DateTimeFormatter.ofPattern("HH:mm");
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  private String bodyData(String key) {
    return (String) browser.js("return document.body.dataset[arguments[0]] || '';", key);
  }

  private WebElement alarm(String alarmId) {
    return browser
        .driver()
        .findElement(By.cssSelector("[data-testid='alarm'][data-alarm-id='" + alarmId + "']"));
  }

  private String alarmText(String alarmId, String testId) {
    List<WebElement> e =
        alarm(alarmId).findElements(By.cssSelector("[data-testid='" + testId + "']"));
    return e.isEmpty() ? "" : e.get(0).getText();
  }

  private WebElement deviceRow(String id) {
    return browser
        .driver()
        .findElement(By.cssSelector("[data-testid='device-row'][data-device-id='" + id + "']"));
  }

  private long canvasWidth() {
    return (Long) browser.js("return document.getElementById('ecg').width;");
  }

  private String canvasHash() {
    return (String) browser.js(CANVAS_HASH);
  }

  /** [distinct colours, bright-green (trace) pixels] of the ECG canvas. */
  static final String CANVAS_STATS =
      """
      const c = document.getElementById('ecg');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      let green = 0;
      for (let i = 0; i < d.length; i += 4) {
        seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        if (d[i + 1] > 180 && d[i] < 120 && d[i + 2] < 170) green++;
      }
      return [seen.size, green];
      """;

  static final String CANVAS_HASH =
      """
      const c = document.getElementById('ecg');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let h = 0;
      for (let i = 0; i < d.length; i += 4) {
        h = (Math.imul(h, 31) + d[i] + d[i + 1] * 3 + d[i + 2] * 7) | 0;
      }
      return String(h);
      """;

  /** Pushes a synthetic ECG (a QRS-like spike every 0.8 s over a small wave) on every lead. */
  static final String FEED =
      """
      const fs = 500, n = 20;
      let t = Date.now() - 1000;
      function wave(ms, k) {
        const s = ms / 1000, ph = s % 0.8;
        const qrs = ph < 0.04 ? (1.0 + 0.05 * k) * Math.sin(ph / 0.04 * Math.PI) : 0;
        const tw = ph > 0.25 && ph < 0.45 ? 0.25 * Math.sin((ph - 0.25) / 0.2 * Math.PI) : 0;
        return qrs + tw;
      }
      function push() {
        const leads = window.ambulinkEcg.leads();
        while (t < Date.now()) {
          leads.forEach(function (lead, k) {
            const a = new Int16Array(n);
            for (let i = 0; i < n; i++) a[i] = Math.round(wave(t + i * 1000 / fs, k) / 0.005);
            window.ambulinkEcg.push(lead, t, a, fs, 0.005);
          });
          t += n * 1000 / fs;
        }
      }
      push();
      window.__feed = setInterval(push, 40);
      """;
}
