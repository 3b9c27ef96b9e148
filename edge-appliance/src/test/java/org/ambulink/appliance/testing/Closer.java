package org.ambulink.appliance.testing;

import org.ambulink.testsupport.Closeables;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opens (journals, services), closed after it in the reverse order; register it with
 * {@code @RegisterExtension final Closer closer = new Closer();}.
 */
public final class Closer implements AfterEachCallback {
  private final Closeables open = new Closeables();

  /** Closes {@code c} after the test, before what was added earlier; returns it. */
  public <T extends AutoCloseable> T add(T c) {
    return open.add(c);
  }

  /** Closes {@code c} now, within the test (e.g. a journal before it is opened again). */
  public void close(AutoCloseable c) {
    open.close(c);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    open.closeAll();
  }
}
