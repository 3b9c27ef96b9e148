package org.ambulink.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ambulink.testsupport.AppProcess;

/** CPU and GC time counters, read before and after a measurement. */
final class ProcessCpu {
  /** Linux reports /proc times in USER_HZ, which is 100 on every mainstream architecture. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /** CPU time of this JVM (all threads, user + system). */
  static long jvmNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** Total time spent in garbage collection so far, all collectors. */
  static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  /**
   * CPU time the whole machine has been busy (all cores, everything but idle and iowait), from
   * {@code /proc/stat}; 0 if unreadable. Minus this JVM and socat, it shows other load that skews a
   * measurement.
   */
  static long machineBusyNanos() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
        if (line.startsWith("cpu ")) {
          String[] f = line.trim().split("\\s+");
          long busy = 0;
          // user nice system idle iowait irq softirq steal (guest times are inside user)
          for (int i = 1; i <= 8 && i < f.length; i++) {
            if (i != 4 && i != 5) {
              busy += Long.parseLong(f[i]);
            }
          }
          return busy * NANOS_PER_TICK;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return 0;
  }

  /** User + system CPU time of another process, from {@code /proc/PID/stat}; 0 if unreadable. */
  static long ofPid(long pid) {
    return AppProcess.cpuNanos(pid);
  }
}
