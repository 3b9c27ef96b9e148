package org.ambulink.testsupport;

import java.util.ArrayList;
import java.util.List;

/** What a test opened (ports, listeners, processes), closed at its end in the reverse order. */
public final class Closeables {
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Closes {@code c} at the end, before what was added earlier; returns it. */
  public <T extends AutoCloseable> T add(T c) {
    open.add(c);
    return c;
  }

  /** Closes {@code c} now, within the test (e.g. a store before it is opened again). */
  public void close(AutoCloseable c) {
    open.remove(c);
    try {
      c.close();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not close " + c, e);
    }
  }

  /** Closes everything still open, the last added first. */
  public void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.remove(i).close();
    }
  }
}
