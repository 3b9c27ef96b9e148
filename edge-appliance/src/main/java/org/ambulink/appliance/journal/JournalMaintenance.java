package org.ambulink.appliance.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's background duties and what the crew must know about its state: it verifies every
 * record once after start (a tampered record is reported, never skipped in silence), applies the
 * disk policy on a schedule, and gathers warnings (salvage at start, damaged records, disk).
 */
public final class JournalMaintenance implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalMaintenance.class);
  private static final int MAX_DAMAGE_WARNINGS = 5;

  private final Journal journal;
  private final DiskGuard guard;
  private final JournalRecovery.Report salvage;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "journal-maintenance");
            t.setDaemon(true);
            return t;
          });
  private volatile List<String> damage = List.of();
  private volatile boolean verified;

  public JournalMaintenance(Journal journal, DiskGuard guard, JournalRecovery.Report salvage) {
    this.journal = journal;
    this.guard = guard;
    this.salvage = salvage;
  }

  public void start() {
    executor.execute(this::verify);
    long every = guard.interval().toMillis();
    executor.scheduleWithFixedDelay(this::guard, 0, every, TimeUnit.MILLISECONDS);
  }

  private void verify() {
    long t0 = System.nanoTime();
    List<JournalTamperedException> bad = journal.verify();
    List<String> lines = new ArrayList<>();
    for (JournalTamperedException e : bad) {
      log.error("{}", e.getMessage());
      if (lines.size() < MAX_DAMAGE_WARNINGS) {
        lines.add("Journal record damaged: " + e.getMessage());
      }
    }
    if (bad.size() > MAX_DAMAGE_WARNINGS) {
      lines.add("... " + (bad.size() - MAX_DAMAGE_WARNINGS) + " more damaged journal records");
    }
    damage = List.copyOf(lines);
    verified = true;
    log.info(
        "journal verified: {} damaged record(s), {} ms",
        bad.size(),
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** The disk policy it runs. */
  public DiskGuard diskGuard() {
    return guard;
  }

  private void guard() {
    try {
      guard.check();
    } catch (RuntimeException e) {
      log.error("journal disk policy failed: {}", e.toString());
    }
  }

  /** Whether the check of every record after start has finished. */
  public boolean verified() {
    return verified;
  }

  /** Everything about the journal the crew should see, one line each. */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    if (salvage != null) {
      out.add("Journal was damaged at start: " + salvage.summary());
    }
    out.addAll(damage);
    out.addAll(guard.warnings());
    return out;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
