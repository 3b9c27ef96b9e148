package org.ambulink.drivers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.AckResult;
import org.ambulink.drivers.transport.MllpSender;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SimulatorRunnerTest {
  private static final Instant START = Instant.parse("2025-03-01T10:15:00Z");
  private static WfdbRecord record;

  private final List<String> sent = new ArrayList<>();
  private final List<String> console = new ArrayList<>();
  private final FakeTicker ticker = new FakeTicker();

  @BeforeAll
  static void load() throws Exception {
    record = WfdbReader.read("ecg/s0010_re");
  }

  @Test
  void sends_every_chunk_and_counts_the_acknowledgements() throws Exception {
    FakeLink link = new FakeLink("link-1");

    SimulatorRunner.Stats stats = runner(() -> link, Duration.ofSeconds(5), 0).run();

    assertThat(sent).hasSize(20).first().isEqualTo("T-1");
    assertThat(sent).last().isEqualTo("T-20");
    assertThat(stats.messages()).isEqualTo(20);
    assertThat(stats.acks()).isEqualTo(20);
    assertThat(stats.samples()).isEqualTo(20L * 12 * 125);
    assertThat(stats.nacks() + stats.linkErrors() + stats.reconnects() + stats.resends()).isZero();
    assertThat(stats.ecgTime()).isEqualTo(Duration.ofSeconds(5));
    assertThat(link.closed).isTrue();
    assertThat(console)
        .last()
        .asString()
        .startsWith("sim: ecg=5.0s messages=20 samples=30000 acks=20");
  }

  @Test
  void a_broken_link_is_reopened_with_growing_backoff_and_the_unacknowledged_message_resent()
      throws Exception {
    FakeLink first = new FakeLink("link-1");
    first.script.add("ok");
    first.script.add("ok");
    first.script.add("io"); // T-3 is lost with the link
    FakeLink second = new FakeLink("link-2");
    Deque<Object> connects = new ArrayDeque<>(List.of(first, new IOException("refused"), second));

    SimulatorRunner.Stats stats =
        runner(
                () -> {
                  Object next = connects.isEmpty() ? second : connects.poll();
                  if (next instanceof IOException e) {
                    throw e;
                  }
                  return (MllpSender) next;
                },
                Duration.ofSeconds(2),
                0)
            .run();

    assertThat(sent).containsExactly("T-1", "T-2", "T-3", "T-3", "T-4", "T-5", "T-6", "T-7", "T-8");
    assertThat(second.received).first().isEqualTo("T-3");
    assertThat(stats.acks()).isEqualTo(8);
    assertThat(stats.linkErrors()).isEqualTo(2);
    assertThat(stats.reconnects()).isEqualTo(1);
    assertThat(stats.resends()).isEqualTo(1);
    assertThat(ticker.sleeps).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    assertThat(first.closed).isTrue();
    assertThat(console).anyMatch(l -> l.contains("link failed sending T-3"));
    assertThat(console).anyMatch(l -> l.contains("refused"));
  }

  @Test
  void a_missing_ack_counts_as_a_broken_link_and_the_message_is_resent() throws Exception {
    FakeLink first = new FakeLink("link-1");
    first.script.add("timeout");
    FakeLink second = new FakeLink("link-2");
    Deque<FakeLink> links = new ArrayDeque<>(List.of(first, second));

    SimulatorRunner.Stats stats = runner(links::poll, Duration.ofMillis(500), 0).run();

    assertThat(sent).containsExactly("T-1", "T-1", "T-2");
    assertThat(stats.acks()).isEqualTo(2);
    assertThat(stats.resends()).isEqualTo(1);
    assertThat(console).anyMatch(l -> l.contains("no ACK for T-1 within 1000 ms"));
  }

  @Test
  void negative_or_mismatched_acks_are_counted_and_reported_but_not_resent() throws Exception {
    FakeLink link = new FakeLink("link-1");
    link.script.add("AE");
    link.script.add("wrong-id");
    link.script.add("garbage");

    SimulatorRunner.Stats stats = runner(() -> link, Duration.ofSeconds(1), 0).run();

    assertThat(sent).containsExactly("T-1", "T-2", "T-3", "T-4");
    assertThat(stats.messages()).isEqualTo(4);
    assertThat(stats.acks()).isEqualTo(1);
    assertThat(stats.nacks()).isEqualTo(3);
    assertThat(stats.resends()).isZero();
    assertThat(console)
        .anyMatch(l -> l.contains("AE for T-1 in answer to T-1: bad OBX"))
        .anyMatch(l -> l.contains("AA for X-99 in answer to T-2"))
        .anyMatch(l -> l.contains("unreadable reply to T-3"));
  }

  @Test
  void real_time_pacing_sends_each_chunk_when_its_last_sample_is_due() throws Exception {
    FakeLink link = new FakeLink("link-1");

    runner(() -> link, Duration.ofSeconds(3), 1).run();

    assertThat(link.sentAt).hasSize(12).first().isEqualTo(Duration.ofMillis(250).toNanos());
    assertThat(link.sentAt.get(11)).isEqualTo(Duration.ofSeconds(3).toNanos());
  }

  @Test
  void double_speed_halves_the_wall_time_and_summaries_come_periodically() throws Exception {
    FakeLink link = new FakeLink("link-1");

    runner(() -> link, Duration.ofSeconds(4), 2).run();

    assertThat(link.sentAt.get(15)).isEqualTo(Duration.ofSeconds(2).toNanos());
    // summary every 500 ms of wall time, plus the final one
    assertThat(console.stream().filter(l -> l.startsWith("sim: ecg=")).count()).isEqualTo(5);
  }

  @Test
  void stop_ends_the_run_after_the_message_in_hand() throws Exception {
    FakeLink link = new FakeLink("link-1");
    SimulatorRunner[] holder = new SimulatorRunner[1];
    link.onExchange =
        () -> {
          if (link.received.size() == 3) {
            holder[0].stop();
          }
        };
    holder[0] = runner(() -> link, null, 0);

    SimulatorRunner.Stats stats = holder[0].run();

    assertThat(stats.messages()).isEqualTo(3);
    assertThat(link.closed).isTrue();
  }

  private SimulatorRunner runner(
      SimulatorRunner.Connector connector, Duration duration, double speed) {
    MonitorSimulator sim =
        MonitorSimulator.builder(record).start(START).controlIdPrefix("T-").build();
    return SimulatorRunner.builder(
            sim,
            connector,
            m -> m.controlId().getBytes(StandardCharsets.UTF_8),
            SimulatorRunnerTest::parseAck)
        .duration(duration)
        .speed(speed)
        .ackTimeout(Duration.ofSeconds(1))
        .reconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(250))
        .summaryEvery(Duration.ofMillis(500))
        .console(console::add)
        .ticker(ticker)
        .build();
  }

  /** Reply format of the fake link: {@code code|controlId|text}. */
  private static AckResult parseAck(String reply) {
    String[] f = reply.split("\\|", -1);
    if (f.length != 3) {
      throw new IllegalArgumentException("not an ACK: " + reply);
    }
    return new AckResult(AckCode.valueOf(f[0]), f[1], f[2]);
  }

  private final class FakeLink implements MllpSender {
    final String name;
    final Deque<String> script = new ArrayDeque<>();
    final List<String> received = new ArrayList<>();
    final List<Long> sentAt = new ArrayList<>();
    Runnable onExchange = () -> {};
    boolean closed;

    FakeLink(String name) {
      this.name = name;
    }

    @Override
    public byte[] exchange(byte[] payload, Duration timeout) throws IOException {
      String id = new String(payload, StandardCharsets.UTF_8);
      sent.add(id);
      received.add(id);
      sentAt.add(ticker.now);
      onExchange.run();
      String action = script.isEmpty() ? "ok" : script.poll();
      String reply =
          switch (action) {
            case "ok" -> "AA|" + id + "|";
            case "AE" -> "AE|" + id + "|bad OBX";
            case "wrong-id" -> "AA|X-99|";
            case "garbage" -> "MSH|^~\\&|";
            case "timeout" -> throw new SocketTimeoutException("read timed out");
            case "io" -> throw new IOException("connection reset");
            default -> throw new IllegalStateException(action);
          };
      return reply.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String describe() {
      return name;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final class FakeTicker implements SimulatorRunner.Ticker {
    long now;
    final List<Duration> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(Duration d) {
      if (d.isNegative() || d.isZero()) {
        return;
      }
      now += d.toNanos();
      sleeps.add(d);
    }
  }
}
