package org.ambulink.appliance.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.testsupport.TempDirs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The journal store survives {@code kill -9} at any moment, without the appliance around it: a
 * child JVM appends as fast as the journal commits (small and large records, so that commits take a
 * while to write), is killed at a random moment after its first acknowledged append, and the
 * journal is opened again. Every round, the store must open (no salvage) and hold every append the
 * child saw acknowledged exactly once; the next child resends from the first unacknowledged one,
 * with the same de-duplication keys. Faster and harsher than {@link CrashSafetyTest}: run it with
 * {@code -Djournal.kill.rounds=200} to soak it.
 */
class JournalKillTest {
  private static final String STREAM = "T-kill";

  /** Rounds to run; without it, up to 10 rounds or about 40 s, whichever comes first. */
  private static final Integer ROUNDS = Integer.getInteger("journal.kill.rounds");

  private static final Duration BUDGET = Duration.ofSeconds(40);
  private static final boolean KEEP_GOING = Boolean.getBoolean("journal.kill.keep-going");
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  private final Path dir = TempDirs.create("journal-kill");
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : children) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    TempDirs.deleteTree(dir);
  }

  @Test
  void storeOpensAndKeepsEveryAcknowledgedAppendAfterEveryKill() throws Exception {
    long seed = Long.getLong("journal.kill.seed", System.nanoTime());
    System.out.println(
        "JournalKillTest seed " + seed + " (rerun with -Djournal.kill.seed=" + seed + ")");
    Random random = new Random(seed);
    Path file = dir.resolve("journal/journal.db");
    Path keyFile = dir.resolve("journal/journal.key");
    Files.createDirectories(file.getParent());
    JournalKey.fromFile(keyFile, true);
    Set<Integer> acked = ConcurrentHashMap.newKeySet();
    int next = 0;
    int failures = 0;
    int rounds = ROUNDS == null ? 10 : ROUNDS;
    long deadline = System.nanoTime() + BUDGET.toNanos();
    int round = 0;
    for (; round < rounds; round++) {
      if (ROUNDS == null && round >= 3 && System.nanoTime() > deadline) {
        break; // a slow machine: fewer rounds rather than a slow suite
      }
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Child.class.getName(),
                  file.toString(),
                  keyFile.toString(),
                  Integer.toString(next),
                  Long.toString(random.nextLong()))
              .redirectErrorStream(true)
              .start();
      children.add(child);
      CountDownLatch firstAck = new CountDownLatch(1);
      StringBuilder output = new StringBuilder();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                      acked.add(Integer.parseInt(line.substring(4)));
                      firstAck.countDown();
                    } else if (output.length() < 20_000) {
                      output.append(line).append('\n');
                    }
                  }
                } catch (Exception e) {
                  // the child is gone
                }
              });
      reader.start();
      assertThat(firstAck.await(30, TimeUnit.SECONDS))
          .as("round %d: first ACK; child output:%n%s", round, output)
          .isTrue();
      long killAfterMs = random.nextInt(600);
      Thread.sleep(killAfterMs);
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      assertThat(child.exitValue())
          .as("round %d killed; output:%n%s", round, output)
          .isEqualTo(137);

      Map<Integer, Integer> seen = new TreeMap<>();
      try (Journal journal =
          Journal.open(Journal.Settings.of(file, JournalKey.fromFile(keyFile, false)))) {
        long from = 1;
        while (true) {
          Journal.Page page = journal.read(STREAM, from, 200);
          assertThat(page.damaged()).isEmpty();
          if (page.chunks().isEmpty()) {
            break;
          }
          for (Journaled c : page.chunks()) {
            for (Journaled.Item item : c.items()) {
              WaveformSegment w = ((JournalEntry.Waveform) item.entry()).value();
              seen.merge(
                  Integer.parseInt(w.containmentPath().substring("msg-".length())),
                  1,
                  Integer::sum);
            }
          }
          from = page.nextSeq();
        }
      } catch (JournalCorruptedException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        if (KEEP_GOING) {
          // measuring: count it, start over with a new store
          failures++;
          System.out.printf(
              "round %d: STORE FAILED TO OPEN (killed %d ms after the first ACK): %s%n",
              round, killAfterMs, trace);
          for (Path p : Journal.files(file)) {
            Files.move(p, p.resolveSibling("failed-" + round + "-" + p.getFileName()));
          }
          acked.clear();
          next = 0;
          continue;
        }
        throw new AssertionError(
            "round " + round + " (killed " + killAfterMs + " ms after the first ACK): " + trace, e);
      }
      for (int i : acked) {
        assertThat(seen.get(i))
            .as("round %d: acknowledged append %d kept once", round, i)
            .isEqualTo(1);
      }
      assertThat(seen.values()).allMatch(n -> n == 1);
      while (acked.contains(next)) {
        next++;
      }
      System.out.printf(
          "round %d: killed %d ms after the first ACK, %d acknowledged so far, opened cleanly%n",
          round, killAfterMs, acked.size());
    }
    System.out.printf("JournalKillTest: %d rounds, %d store(s) failed to open%n", round, failures);
    assertThat(failures).as("stores that failed to open").isZero();
  }

  /** The child: appends from message {@code start} on, printing {@code ACK n} once n committed. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      int start = Integer.parseInt(args[2]);
      Random random = new Random(Long.parseLong(args[3]));
      Journal journal =
          Journal.open(
              new Journal.Settings(
                  file,
                  JournalKey.fromFile(Path.of(args[1]), false),
                  Duration.ofMillis(2),
                  10_000,
                  Clock.systemUTC()));
      Semaphore window = new Semaphore(64);
      for (int i = start; ; i++) {
        // mostly small records, some larger than a MapDB record page (linked records)
        int samples =
            random.nextInt(10) == 0 ? 20_000 + random.nextInt(40_000) : 50 + random.nextInt(2000);
        int[] values = new int[samples];
        for (int s = 0; s < samples; s++) {
          values[s] = random.nextInt();
        }
        WaveformSegment w =
            new WaveformSegment(
                MdcCode.of(131329, "MDC_ECG_ELEC_POTL_I"),
                "msg-" + i,
                500,
                T0.plusMillis(i * 250L),
                values,
                new BigDecimal("0.005"),
                BigDecimal.ZERO,
                WaveformSegment.MILLIVOLT,
                "monitor-1");
        window.acquire();
        int n = i;
        journal
            .append(STREAM, List.of(new JournalEntry.Waveform(w)), "monitor-1/msg-" + i)
            .whenComplete(
                (a, e) -> {
                  if (e == null) {
                    System.out.println("ACK " + n);
                  } else {
                    System.out.println("FAILED " + n + " " + e);
                  }
                  window.release();
                });
      }
    }
  }
}
