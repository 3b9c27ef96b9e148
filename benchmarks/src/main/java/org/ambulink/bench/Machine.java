package org.ambulink.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** What the numbers were measured on. */
record Machine(
    int cores, String cpuModel, String jvm, String gc, long maxHeapMiB, String os, String jvmArgs) {

  static Machine describe() {
    String model = "unknown CPU";
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      model =
          lines.stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .findFirst()
              .orElse(model);
    } catch (IOException e) {
      // not Linux: leave it unknown
    }
    String gc =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", "));
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        model,
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vm.vendor")
            + ")",
        gc,
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  String markdown() {
    return "- cores: "
        + cores
        + " ("
        + cpuModel
        + ")\n- JVM: "
        + jvm
        + ", GC: "
        + gc
        + ", max heap "
        + maxHeapMiB
        + " MiB"
        + (jvmArgs.isBlank() ? "" : ", flags `" + jvmArgs + "`")
        + "\n- OS: "
        + os
        + "\n";
  }
}
