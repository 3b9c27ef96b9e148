package org.ambulink.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's Chromium ({@code /usr/bin/chromium}), headless, driven through the system's
 * chromedriver ({@code /usr/bin/chromedriver}) with the flags this machine needs: no sandbox (the
 * tests may run as root in a container), no GPU, no QUIC, nothing fetched in the background, and a
 * fresh profile folder of its own. Selenium Manager is never asked to find or download anything
 * because both paths are given. A missing browser fails the test with a message saying how to get
 * it ({@code bin/test} installs both packages); nothing is skipped.
 *
 * <p>{@link #close()} quits the browser, then makes sure chromedriver and every Chromium process it
 * started are gone (killing any that are left, by process id), deletes the profile folder, and
 * fails if a process had to be killed.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** Overridable with the system properties {@code ambulink.chromedriver}, {@code …chromium}. */
  public static final Path CHROMEDRIVER =
      Path.of(System.getProperty("ambulink.chromedriver", "/usr/bin/chromedriver"));

  public static final Path CHROMIUM =
      Path.of(System.getProperty("ambulink.chromium", "/usr/bin/chromium"));

  private static final Duration QUIT_TIMEOUT = Duration.ofSeconds(15);

  private final ChromeDriver driver;
  private final Path profile;
  private final ProcessHandle chromedriver;
  private final Map<Long, ProcessHandle> seen = new LinkedHashMap<>();
  private boolean closed;

  private HeadlessChromium(ChromeDriver driver, Path profile, ProcessHandle chromedriver) {
    this.driver = driver;
    this.profile = profile;
    this.chromedriver = chromedriver;
    remember();
  }

  /** A 1280×800 window. */
  public static HeadlessChromium start() {
    return start(1280, 800);
  }

  /** A window of the given size, with any further Chromium flags. */
  public static HeadlessChromium start(int width, int height, String... extraArguments) {
    requireExecutable(CHROMEDRIVER, "chromedriver", "chromium-driver");
    requireExecutable(CHROMIUM, "chromium", "chromium");
    Path profile = TempDirs.create("chromium-profile");
    Set<Long> before = browserDescendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--window-size=" + width + "," + height,
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile);
    options.addArguments(extraArguments);
    ChromeDriver driver;
    try {
      driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      TempDirs.deleteTree(profile);
      throw e;
    }
    ProcessHandle cd =
        browserDescendants()
            .filter(p -> !before.contains(p.pid()))
            .filter(p -> name(p).contains("chromedriver"))
            .findFirst()
            .orElse(null);
    if (cd == null) {
      driver.quit();
      TempDirs.deleteTree(profile);
      throw new AssertionError("chromedriver was started but is not a child of this JVM");
    }
    return new HeadlessChromium(driver, profile, cd);
  }

  private static void requireExecutable(Path path, String what, String debianPackage) {
    if (!Files.isExecutable(path)) {
      throw new AssertionError(
          what
              + " not found at "
              + path
              + ": the browser tests need Debian's "
              + debianPackage
              + " package (bin/test installs it: apt-get install chromium chromium-driver)");
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** The profile folder (deleted by {@link #close()}). */
  public Path profile() {
    return profile;
  }

  /**
   * The build output folder of the module whose test class is given ({@code target}, or what {@code
   * -Dbuild.out} names): the parent of the folder the test classes were loaded from.
   */
  public static Path buildDirectory(Class<?> testClass) {
    try {
      return Path.of(testClass.getProtectionDomain().getCodeSource().getLocation().toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Saves what the browser shows as {@code name.png} and the page as {@code name.html}. */
  public Path snapshot(Path dir, String name) throws IOException {
    Files.createDirectories(dir);
    File png = driver.getScreenshotAs(OutputType.FILE);
    Path target = dir.resolve(name + ".png");
    Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(png.toPath());
    Files.writeString(dir.resolve(name + ".html"), driver.getPageSource());
    return target;
  }

  /** Quits, kills what is left by process id, deletes the profile; fails if a kill was needed. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    remember();
    RuntimeException quitFailure = null;
    try {
      driver.quit();
    } catch (RuntimeException e) {
      quitFailure = e;
    }
    long deadline = System.nanoTime() + QUIT_TIMEOUT.toNanos();
    while (seen.values().stream().anyMatch(ProcessHandle::isAlive)
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<String> left = new ArrayList<>();
    for (ProcessHandle p : seen.values()) {
      if (p.isAlive()) {
        left.add(p.pid() + " " + command(p).orElse("?"));
        p.destroyForcibly();
      }
    }
    for (ProcessHandle p : seen.values()) {
      try {
        p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // reported below if still alive
      }
    }
    TempDirs.deleteTree(profile);
    List<String> stillAlive =
        seen.values().stream()
            .filter(ProcessHandle::isAlive)
            .map(p -> p.pid() + " " + command(p).orElse("?"))
            .toList();
    if (!stillAlive.isEmpty()) {
      throw new AssertionError("browser processes survive even a kill: " + stillAlive);
    }
    if (!left.isEmpty()) {
      AssertionError e =
          new AssertionError("browser processes still alive after quit() (killed): " + left);
      if (quitFailure != null) {
        e.addSuppressed(quitFailure);
      }
      throw e;
    }
    if (quitFailure != null) {
      throw quitFailure;
    }
  }

  /** chromedriver and the Chromium processes under it now (they go while the browser runs). */
  private void remember() {
    if (chromedriver == null) {
      return;
    }
    Stream.concat(Stream.of(chromedriver), chromedriver.descendants())
        .filter(ProcessHandle::isAlive)
        .forEach(p -> seen.putIfAbsent(p.pid(), p));
  }

  /** The process ids this browser consists of (chromedriver first). */
  public List<Long> pids() {
    remember();
    return seen.values().stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
  }

  private static Stream<ProcessHandle> browserDescendants() {
    return ProcessHandle.current().descendants().filter(p -> isBrowser(name(p)));
  }

  private static boolean isBrowser(String name) {
    return name.contains("chromedriver") || name.contains("chromium") || name.contains("chrome");
  }

  private static String name(ProcessHandle p) {
    return command(p).map(c -> Path.of(c).getFileName().toString()).orElse("");
  }

  private static Optional<String> command(ProcessHandle p) {
    return p.info().command();
  }
}
