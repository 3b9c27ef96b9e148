package org.ambulink.appliance.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.ambulink.appliance.journal.Journal;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.appliance.journal.JournalSink;
import org.ambulink.appliance.journal.Journaled;
import org.ambulink.appliance.testing.Closer;
import org.ambulink.appliance.testing.Journals;
import org.ambulink.appliance.transport.TransportLifecycle;
import org.ambulink.drivers.ecgframe.EcgFrame;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.sim.MonitorSimulator;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EcgIndex} over a real journal fed through {@link JournalSink}: the numbering the live path
 * gives frames as messages are appended is the numbering rebuilt from the journal alone, and every
 * number leads to a journal chunk whose reframed frame is the live frame, sample for sample.
 */
class EcgIndexTest {
  static final String STREAM = "T20261202-080000-ABCD";
  static final Instant START = Instant.parse("2026-12-02T08:00:00Z");
  static final long WINDOW_MICROS = 10_000_000L;

  static WfdbRecord record;

  @TempDir Path dir;
  @RegisterExtension final Closer closer = new Closer();

  @BeforeAll
  static void readRecord() throws IOException {
    record = WfdbReader.read("ecg/s0010_re");
  }

  static MonitorSimulator simulator(Duration chunk) {
    return MonitorSimulator.builder(record).outputRate(500).chunk(chunk).start(START).build();
  }

  private Journal open() {
    return closer.add(Journals.open(dir.resolve("journal.db"), 7));
  }

  private static final JournalSinkAfter NOTHING = new JournalSinkAfter();

  /** What intake does after the commit: nothing here. */
  static final class JournalSinkAfter implements org.ambulink.drivers.intake.MonitorIntake.Sink {
    @Override
    public java.util.concurrent.CompletionStage<Void> accept(MonitorMessage m, String peer) {
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * Numbers messages exactly as {@link LiveService#appending} and {@link LiveService#journaled} do
   * (which only number while the service runs, i.e. with a WebRTC engine and a console): the same
   * dedupe check, the index built from the journal on the first message, {@link EcgIndex#add} under
   * the sink's lock and {@link EcgIndex#committed} after the commit. It also keeps the frames it
   * numbered, as the live channel would have sent them.
   */
  static final class NumberingTap implements JournalSink.Tap {
    final Journal journal;
    final Set<String> numbering = ConcurrentHashMap.newKeySet();
    final Map<Long, EcgFrame> sent = new ConcurrentHashMap<>();
    final List<String> problems = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile EcgIndex index;
    int notNumbered;

    NumberingTap(Journal journal) {
      this.journal = journal;
    }

    record Pending(EcgIndex index, int slot, String dedupeKey) {}

    @Override
    public Object appending(String stream, List<JournalEntry> entries, String dedupeKey) {
      if (journal.holds(dedupeKey) || !numbering.add(dedupeKey)) {
        notNumbered++;
        return null;
      }
      if (index == null || !index.stream().equals(stream)) {
        index = EcgIndex.build(journal, stream);
      }
      EcgIndex idx = index;
      List<EcgFrame> frames = EcgFramer.frames(entries, idx.nextOrdinal(), false);
      frames.forEach(f -> assertThat(sent.put(f.sequence(), f)).isNull());
      int slot = frames.isEmpty() ? -1 : idx.add(frames.size(), frames.get(0).startMicros());
      return new Pending(idx, slot, dedupeKey);
    }

    @Override
    public void journaled(Object token, Journal.Appended appended, Throwable failure) {
      if (!(token instanceof Pending p)) {
        return;
      }
      numbering.remove(p.dedupeKey());
      if (failure != null || appended.duplicate()) {
        problems.add(failure != null ? failure.toString() : "numbered a duplicate: " + appended);
        return;
      }
      if (p.slot() >= 0) {
        p.index().committed(p.slot(), appended.firstSeq());
      }
    }
  }

  /** A message with the simulator's vitals only: journaled, but no ECG. */
  static MonitorMessage vitalsOnly(MonitorMessage m, String controlId) {
    return new MonitorMessage(
        controlId,
        m.messageType(),
        m.device(),
        m.messageTime(),
        m.observations(),
        List.of(),
        List.of(),
        List.of());
  }

  static void send(JournalSink sink, MonitorMessage m) {
    sink.accept(m, "test").toCompletableFuture().join();
  }

  /**
   * Every ordinal of {@code idx} leads to the journal chunk whose reframed frame is the live one.
   */
  static void assertEveryOrdinalReframesToTheLiveFrame(
      Journal journal, EcgIndex idx, Map<Long, EcgFrame> live) {
    assertThat(live.keySet()).hasSize((int) idx.nextOrdinal());
    assertThat(idx.committedOrdinal()).isEqualTo(idx.nextOrdinal());
    Map<Long, List<EcgFrame>> reframed = new HashMap<>();
    for (long o = 0; o < idx.nextOrdinal(); o++) {
      long[] at = idx.locate(o);
      assertThat(at).as("frame %d located", o).isNotNull().hasSize(2);
      assertThat(at[1]).isLessThanOrEqualTo(o);
      List<EcgFrame> frames =
          reframed.computeIfAbsent(
              at[0],
              seq -> {
                Journal.Page page = journal.read(STREAM, seq, 1);
                assertThat(page.damaged()).isEmpty();
                Journaled chunk = page.chunks().get(0);
                assertThat(chunk.firstSeq()).isEqualTo(seq);
                return EcgFramer.frames(
                    chunk.items().stream().map(Journaled.Item::entry).toList(), at[1], true);
              });
      EcgFrame f = null;
      for (EcgFrame x : frames) {
        if (x.sequence() == o) {
          f = x;
        }
      }
      assertThat(f).as("frame %d is in journal chunk %d", o, at[0]).isNotNull();
      EcgFrame sentFrame = live.get(o);
      assertThat(f.backfill()).isTrue();
      assertThat(f.startMicros()).isEqualTo(sentFrame.startMicros());
      assertThat(f.sampleRateHz()).isEqualTo(sentFrame.sampleRateHz());
      assertThat(f.nanovoltsPerCount()).isEqualTo(sentFrame.nanovoltsPerCount());
      assertThat(f.leadCodes()).isEqualTo(sentFrame.leadCodes());
      assertThat(f.samples()).as("samples of frame %d", o).isDeepEqualTo(sentFrame.samples());
    }
    assertThat(idx.locate(idx.nextOrdinal())).isNull();
    assertThat(idx.locate(-1)).isNull();
  }

  @Test
  void theLiveNumberingIsTheNumberingOfTheJournalAlone() {
    Journal journal = open();
    NumberingTap tap = new NumberingTap(journal);
    JournalSink sink = new JournalSink(journal, () -> STREAM, NOTHING, tap);
    MonitorSimulator sim = simulator(Duration.ofMillis(1500)); // 750 samples: two frames each
    List<MonitorMessage> sent = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      MonitorMessage m = sim.next();
      sent.add(m);
      send(sink, m);
      if (i % 5 == 2) {
        send(sink, vitalsOnly(m, m.controlId() + "-v")); // journaled, no frames
      }
    }
    EcgIndex live = tap.index;
    assertThat(tap.problems).isEmpty();
    assertThat(live.nextOrdinal()).isEqualTo(48);
    assertThat(live.committedOrdinal()).isEqualTo(48);

    EcgIndex built = EcgIndex.build(journal, STREAM);

    assertThat(built.nextOrdinal()).isEqualTo(live.nextOrdinal());
    assertThat(built.committedOrdinal()).isEqualTo(built.nextOrdinal());
    for (long o = 0; o <= live.nextOrdinal(); o++) {
      assertThat(built.locate(o)).as("frame %d", o).isEqualTo(live.locate(o));
    }
    assertEveryOrdinalReframesToTheLiveFrame(journal, built, tap.sent);
    assertThat(built.windowStart(WINDOW_MICROS)).isEqualTo(live.windowStart(WINDOW_MICROS));

    // and the journal's frames are the monitor's samples
    for (int k = 0; k < sent.size(); k++) {
      var leads = EcgFramerTest.waveforms(JournalSink.entries(sent.get(k)));
      EcgFramerTest.assertSplitExactly(
          List.of(tap.sent.get(2L * k), tap.sent.get(2L * k + 1)), leads, 2L * k);
    }
  }

  @Test
  void theNumberingSurvivesReopeningTheJournal() {
    Journal journal = open();
    NumberingTap tap = new NumberingTap(journal);
    JournalSink sink = new JournalSink(journal, () -> STREAM, NOTHING, tap);
    MonitorSimulator sim = simulator(Duration.ofMillis(250));
    for (int i = 0; i < 10; i++) {
      send(sink, sim.next());
    }
    closer.close(journal);

    Journal again = open();
    EcgIndex built = EcgIndex.build(again, STREAM);
    assertThat(built.nextOrdinal()).isEqualTo(10);
    assertEveryOrdinalReframesToTheLiveFrame(again, built, tap.sent);

    // numbering goes on where the journal left off
    NumberingTap next = new NumberingTap(again);
    JournalSink sink2 = new JournalSink(again, () -> STREAM, NOTHING, next);
    send(sink2, sim.next());
    assertThat(next.sent.keySet()).containsExactly(10L);
    assertThat(next.index.nextOrdinal()).isEqualTo(11);
    assertThat(EcgIndex.build(again, STREAM).nextOrdinal()).isEqualTo(11);
  }

  @Test
  void committedOrdinalOnlyAdvancesOverCommittedChunksInOrder() {
    Journal journal = open();
    EcgIndex idx = EcgIndex.build(journal, STREAM);
    assertThat(idx.nextOrdinal()).isZero();
    assertThat(idx.committedOrdinal()).isZero();

    long t = 1_796_198_400_000_000L;
    int a = idx.add(2, t); // frames 0, 1
    int b = idx.add(1, t + 250_000); // frame 2
    int c = idx.add(3, t + 500_000); // frames 3..5
    assertThat(idx.nextOrdinal()).isEqualTo(6);
    assertThat(idx.committedOrdinal()).isZero();
    assertThat(idx.locate(0)).isNull(); // numbered, not yet in the journal
    assertThat(idx.locate(2)).isNull();

    idx.committed(b, 40);
    assertThat(idx.committedOrdinal()).as("slot 0 still pending").isZero();
    assertThat(idx.locate(2)).containsExactly(40, 2);
    assertThat(idx.locate(1)).isNull();

    idx.committed(c, 50);
    assertThat(idx.committedOrdinal()).isZero();
    assertThat(idx.locate(5)).containsExactly(50, 3);

    idx.committed(a, 20);
    assertThat(idx.committedOrdinal()).isEqualTo(6);
    assertThat(idx.locate(0)).containsExactly(20, 0);
    assertThat(idx.locate(1)).containsExactly(20, 0);
    assertThat(idx.locate(3)).containsExactly(50, 3);
    assertThat(idx.locate(6)).isNull();

    int d = idx.add(1, t + 750_000);
    int e = idx.add(1, t + 1_000_000);
    idx.committed(d, 60);
    assertThat(idx.committedOrdinal()).isEqualTo(7);
    assertThat(idx.locate(7)).isNull();
    idx.committed(e, 61);
    assertThat(idx.committedOrdinal()).isEqualTo(8);
  }

  @Test
  void theIndexGrowsPastItsFirstCapacity() {
    Journal journal = open();
    EcgIndex idx = EcgIndex.build(journal, STREAM);
    long t = 1_796_198_400_000_000L;
    for (int i = 0; i < 3000; i++) {
      int slot = idx.add(1 + i % 3, t + i * 250_000L);
      idx.committed(slot, 1 + 13L * i);
    }
    long ordinal = 0;
    for (int i = 0; i < 3000; i++) {
      for (int f = 0; f < 1 + i % 3; f++) {
        assertThat(idx.locate(ordinal + f)).containsExactly(1 + 13L * i, ordinal);
      }
      ordinal += 1 + i % 3;
    }
    assertThat(idx.nextOrdinal()).isEqualTo(ordinal);
    assertThat(idx.committedOrdinal()).isEqualTo(ordinal);
  }

  @Test
  void windowStartIsTheFirstFrameOfTheLastTenSecondsByMonitorTime() {
    Journal journal = open();
    NumberingTap tap = new NumberingTap(journal);
    JournalSink sink = new JournalSink(journal, () -> STREAM, NOTHING, tap);
    MonitorSimulator sim = simulator(Duration.ofMillis(250));
    for (int i = 0; i < 60; i++) { // 15 s, one frame per message
      send(sink, sim.next());
    }
    EcgIndex built = EcgIndex.build(journal, STREAM);
    // the last frame starts at 14.75 s; the first starting at or after 4.75 s is frame 19
    long expected = 19;
    assertThat(tap.sent.get(expected).startMicros() - tap.sent.get(59L).startMicros())
        .isEqualTo(-WINDOW_MICROS);
    assertThat(built.windowStart(WINDOW_MICROS)).isEqualTo(expected);
    assertThat(tap.index.windowStart(WINDOW_MICROS)).isEqualTo(expected);
    assertThat(built.windowStart(WINDOW_MICROS - 1)).isEqualTo(expected + 1);
    assertThat(built.windowStart(0)).isEqualTo(59);
    assertThat(built.windowStart(60_000_000L)).isZero();

    // frames split in several per message: the window starts at a message's first frame
    NumberingTap tap2 = new NumberingTap(journal);
    JournalSink sink2 = new JournalSink(journal, () -> "T-split", NOTHING, tap2);
    MonitorSimulator big = // two frames of 1 s each; other control ids (the journal dedupes)
        MonitorSimulator.builder(record)
            .outputRate(500)
            .chunk(Duration.ofSeconds(2))
            .start(START)
            .controlIdPrefix("big-")
            .build();
    for (int i = 0; i < 8; i++) {
      send(sink2, big.next());
    }
    EcgIndex split = EcgIndex.build(journal, "T-split");
    assertThat(split.nextOrdinal()).isEqualTo(16);
    // last message starts at 14 s; messages from 4 s on: the third (frames 4, 5)
    assertThat(split.windowStart(WINDOW_MICROS)).isEqualTo(4);
  }

  @Test
  void aStreamWithoutWaveformsHasAnEmptyIndex() {
    Journal journal = open();
    NumberingTap tap = new NumberingTap(journal);
    JournalSink sink = new JournalSink(journal, () -> STREAM, NOTHING, tap);
    MonitorSimulator sim =
        MonitorSimulator.builder(record)
            .outputRate(500)
            .start(START)
            .vitalsInterval(Duration.ofSeconds(1))
            .build();
    int journaled = 0;
    for (int i = 0; i < 12; i++) {
      MonitorMessage m = sim.next();
      if (!m.observations().isEmpty()) {
        send(sink, vitalsOnly(m, "v" + i));
        journaled++;
      }
    }
    assertThat(journaled).isGreaterThan(1);
    assertThat(journal.lastSeq(STREAM)).isPositive();

    EcgIndex idx = EcgIndex.build(journal, STREAM);

    assertThat(idx.nextOrdinal()).isZero();
    assertThat(idx.committedOrdinal()).isZero();
    assertThat(idx.windowStart(WINDOW_MICROS)).isZero();
    assertThat(idx.locate(0)).isNull();
    assertThat(tap.sent).isEmpty();
    assertThat(tap.index.nextOrdinal()).isZero();
    // and a stream the journal has never seen
    assertThat(EcgIndex.build(journal, "T-nothing").nextOrdinal()).isZero();
  }

  @Test
  void everyBuildHasItsOwnEpoch() {
    Journal journal = open();
    JournalSink sink = new JournalSink(journal, () -> STREAM, NOTHING, new NumberingTap(journal));
    send(sink, simulator(Duration.ofMillis(250)).next());

    EcgIndex a = EcgIndex.build(journal, STREAM);
    EcgIndex b = EcgIndex.build(journal, STREAM);

    assertThat(a.nextOrdinal()).isEqualTo(b.nextOrdinal()).isEqualTo(1);
    assertThat(a.epoch()).matches("[0-9a-f]{12}");
    assertThat(b.epoch()).matches("[0-9a-f]{12}");
    assertThat(a.epoch()).isNotEqualTo(b.epoch());
    assertThat(a.stream()).isEqualTo(STREAM);
  }

  @Test
  void aRepeatedMessageIsJournaledOnceAndNumberedOnce() {
    Journal journal = open();
    NumberingTap tap = new NumberingTap(journal);
    JournalSink sink = new JournalSink(journal, () -> STREAM, NOTHING, tap);
    MonitorSimulator sim = simulator(Duration.ofMillis(250));
    MonitorMessage first = sim.next();
    MonitorMessage second = sim.next();

    send(sink, first);
    assertThat(journal.holds(JournalSink.dedupeKey(first))).isTrue();
    send(sink, first); // the monitor resends after a lost ACK
    // and a resend while the original may still be on its way to the disk
    CompletableFuture<Void> a = sink.accept(second, "test").toCompletableFuture();
    CompletableFuture<Void> b = sink.accept(second, "test").toCompletableFuture();
    CompletableFuture.allOf(a, b).join();

    assertThat(tap.notNumbered).isEqualTo(2);
    assertThat(tap.problems).isEmpty();
    assertThat(tap.index.nextOrdinal()).isEqualTo(2);
    assertThat(tap.sent.keySet()).containsExactlyInAnyOrder(0L, 1L);
    EcgIndex built = EcgIndex.build(journal, STREAM);
    assertThat(built.nextOrdinal()).isEqualTo(2);
    assertEveryOrdinalReframesToTheLiveFrame(journal, built, tap.sent);
  }

  /**
   * {@code ambulink.live.*} with every default (enabled), whatever keys the record has grown (null
   * means "the default" for each of them).
   */
  static LiveProperties defaultLiveProperties() throws ReflectiveOperationException {
    var components = LiveProperties.class.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      args[i] = types[i] == boolean.class ? Boolean.TRUE : null;
    }
    return LiveProperties.class.getDeclaredConstructor(types).newInstance(args);
  }

  /**
   * The real {@link LiveService} as the sink's tap. It numbers only while running, which {@code
   * start()} sets after starting the WebRTC engine and the signaling socket; here the flag is set
   * directly so that its own {@code appending}/{@code journaled} (dedupe check included) run
   * against a real journal without a console.
   */
  @Test
  void theLiveServiceNumbersAsTheJournalDoesAndSkipsRepeats() throws Exception {
    Journal journal = open();
    TransportLifecycle lifecycle = new TransportLifecycle(journal, List.of(), Clock.systemUTC());
    LiveService service =
        closer.add(
            new LiveService(
                defaultLiveProperties(), journal, lifecycle, null, "", Clock.systemUTC(), null));
    Field running = LiveService.class.getDeclaredField("running");
    running.setAccessible(true);
    running.setBoolean(service, true);
    Field indexField = LiveService.class.getDeclaredField("index");
    indexField.setAccessible(true);

    JournalSink sink = new JournalSink(journal, () -> STREAM, NOTHING, service);
    MonitorSimulator sim = simulator(Duration.ofMillis(1500));
    List<MonitorMessage> sent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      MonitorMessage m = sim.next();
      sent.add(m);
      send(sink, m);
      send(sink, m); // a resend: not numbered again
    }
    MonitorMessage last = sim.next();
    CompletableFuture<Void> a = sink.accept(last, "test").toCompletableFuture();
    CompletableFuture<Void> b = sink.accept(last, "test").toCompletableFuture();
    CompletableFuture.allOf(a, b).join();

    EcgIndex live = (EcgIndex) indexField.get(service);
    assertThat(live).as("the service's index of the stream").isNotNull();
    assertThat(live.stream()).isEqualTo(STREAM);
    assertThat(live.nextOrdinal()).isEqualTo(14);
    assertThat(live.committedOrdinal()).isEqualTo(14);
    assertThat(service.status()).containsEntry("nextSeq", 14L);

    EcgIndex built = EcgIndex.build(journal, STREAM);
    assertThat(built.nextOrdinal()).isEqualTo(14);
    assertThat(built.epoch()).isNotEqualTo(live.epoch());
    for (long o = 0; o <= 14; o++) {
      assertThat(built.locate(o)).as("frame %d", o).isEqualTo(live.locate(o));
    }
  }
}
