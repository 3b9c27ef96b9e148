package org.ambulink.testsupport;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The live threads of the test JVM, found by name: what a component started and did not stop. */
public final class Threads {
  private Threads() {}

  /** The live threads whose name passes {@code name}. */
  public static Set<Thread> alive(Predicate<String> name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && name.test(t.getName()))
        .collect(Collectors.toSet());
  }

  /** The names of the live threads whose name passes {@code name}, sorted. */
  public static List<String> names(Predicate<String> name) {
    return alive(name).stream().map(Thread::getName).sorted().toList();
  }
}
