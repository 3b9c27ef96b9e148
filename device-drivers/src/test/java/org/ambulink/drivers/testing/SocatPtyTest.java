package org.ambulink.drivers.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.ambulink.testsupport.Await;
import org.ambulink.testsupport.Closeables;
import org.ambulink.testsupport.SocatPty;
import org.ambulink.testsupport.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test over real pseudo-terminals, with socat as the cable: socat must be installed (the test
 * fails, never skips, without it). After each test, what it opened is closed, the threads it
 * started on its ports end, and no socat is left running.
 */
public abstract class SocatPtyTest {
  /** The ports' folder: the cable's ends are {@code dir/a} and {@code dir/b}. */
  @TempDir protected Path dir;

  /** What the test opened; closed after it, the last first. */
  protected final Closeables resources = new Closeables();

  private final String threadPrefix;
  private final Duration wait;

  /**
   * @param threadPrefix how the names of the threads the test's components start begin, e.g. {@code
   *     serial-mllp-} (followed by {@code [port]})
   * @param wait how long {@link #await} waits
   */
  protected SocatPtyTest(String threadPrefix, Duration wait) {
    this.threadPrefix = threadPrefix;
    this.wait = wait;
  }

  @BeforeAll
  static void socatIsInstalled() {
    SocatPty.requireSocat();
  }

  @AfterEach
  void closeAndCheckNothingIsLeft() throws Exception {
    resources.closeAll();
    await(() -> threads().isEmpty(), threadPrefix + " threads to end after close()");
    assertThat(SocatPty.stillRunning()).as("no socat left running").isEmpty();
  }

  /** A new cable on {@code dir/a} and {@code dir/b}, pulled after the test. */
  protected SocatPty socat() throws Exception {
    return resources.add(SocatPty.start(dir));
  }

  /** The live threads this test's components started on its ports, by name, sorted. */
  protected List<String> threads() {
    String mine = "[" + dir;
    return Threads.names(name -> name.startsWith(threadPrefix) && name.contains(mine));
  }

  protected void await(BooleanSupplier condition, String what) throws InterruptedException {
    Await.until(what, wait, condition);
  }
}
