package org.ambulink.appliance.live;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ambulink.appliance.journal.JournalEntry;
import org.ambulink.drivers.ecgframe.EcgFrame;
import org.ambulink.drivers.ecgframe.EcgFrameCodec;
import org.ambulink.drivers.ecgframe.EcgFrameException;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * Turns the entries of one journaled monitor message into live ECG frames, the same way every time:
 * frame numbers are a function of the journal alone (docs/webrtc.md, "What goes over the data
 * channels"), so the live path and the backfill path agree on them.
 *
 * <p>Waves that are not mV or have an offset are not ECG and are left out first. The message's
 * other waveform entries, in journal order, are grouped while they share start time, rate, scale
 * and sample count (a repeated lead or a 17th lead starts a new group); a group that would exceed
 * {@link EcgFrameCodec#MAX_FRAME_BYTES} is split by time into equal runs of samples (each run's
 * time rounded to the microsecond). Groups the frame format cannot carry (a fractional rate, a
 * start time that is not a whole microsecond, a scale that is not whole nanovolts) are left out.
 */
public final class EcgFramer {
  private EcgFramer() {}

  /** The frames of one message's entries, numbered from {@code firstSeq}. */
  public static List<EcgFrame> frames(List<JournalEntry> entries, long firstSeq, boolean backfill) {
    List<EcgFrame> out = new ArrayList<>();
    for (List<WaveformSegment> group : groups(entries)) {
      for (List<WaveformSegment> part : split(group)) {
        try {
          out.add(EcgFrameCodec.frame(firstSeq + out.size(), part, backfill));
        } catch (EcgFrameException notEcg) {
          // not a waveform the frame format carries (pleth in %, say): not live ECG
        }
      }
    }
    return out;
  }

  /** How many frames {@link #frames} gives for these entries. */
  public static int count(List<JournalEntry> entries) {
    return frames(entries, 0, false).size();
  }

  static List<List<WaveformSegment>> groups(List<JournalEntry> entries) {
    List<List<WaveformSegment>> groups = new ArrayList<>();
    List<WaveformSegment> current = new ArrayList<>();
    Set<Integer> leads = new HashSet<>();
    for (JournalEntry e : entries) {
      if (!(e instanceof JournalEntry.Waveform w)) {
        continue;
      }
      WaveformSegment s = w.value();
      if (!carriable(s)) {
        // not ECG (pleth in %, a wave with an offset): left out before grouping, so that it cannot
        // share a group with the ECG leads and make the whole group unframeable
        continue;
      }
      boolean fits =
          !current.isEmpty()
              && sameShape(current.get(0), s)
              && !leads.contains(s.lead().code())
              && current.size() < EcgFrameCodec.MAX_LEADS;
      if (!fits && !current.isEmpty()) {
        groups.add(current);
        current = new ArrayList<>();
        leads.clear();
      }
      current.add(s);
      leads.add(s.lead().code());
    }
    if (!current.isEmpty()) {
      groups.add(current);
    }
    return groups;
  }

  /** Whether the frame format carries this wave's unit and offset (mV, none). */
  private static boolean carriable(WaveformSegment s) {
    return s.unit().sameCode(WaveformSegment.MILLIVOLT) && s.offset().signum() == 0;
  }

  private static boolean sameShape(WaveformSegment a, WaveformSegment b) {
    return a.startTime().equals(b.startTime())
        && Double.compare(a.sampleRateHz(), b.sampleRateHz()) == 0
        && a.scale().compareTo(b.scale()) == 0
        && a.sampleCount() == b.sampleCount();
  }

  /** A group in runs of equal length that each fit one frame. */
  static List<List<WaveformSegment>> split(List<WaveformSegment> group) {
    int leads = group.size();
    int count = group.get(0).sampleCount();
    int maxPerLead =
        (EcgFrameCodec.MAX_FRAME_BYTES - EcgFrameCodec.HEADER_BYTES - 4 * leads) / (2 * leads);
    if (count <= maxPerLead) {
      return List.of(group);
    }
    int parts = (count + maxPerLead - 1) / maxPerLead;
    int per = (count + parts - 1) / parts;
    List<List<WaveformSegment>> out = new ArrayList<>();
    for (int from = 0; from < count; from += per) {
      int to = Math.min(count, from + per);
      List<WaveformSegment> part = new ArrayList<>(leads);
      for (WaveformSegment s : group) {
        part.add(slice(s, from, to));
      }
      out.add(part);
    }
    return out;
  }

  private static WaveformSegment slice(WaveformSegment s, int from, int to) {
    // sample i is at start + i / rate, rounded to the microsecond (deterministic): at a rate that
    // does not divide 10^6 (360 Hz, say) the exact time need not be a whole microsecond, which
    // the encoder refuses, and the rest of the group would be lost; the frame's time is off by
    // under 0.5 µs, far below a sample period, and its samples are the journal's
    long micros = Math.round(from * 1e6 / s.sampleRateHz());
    Instant start = s.startTime().plusNanos(micros * 1000);
    return new WaveformSegment(
        s.lead(),
        s.containmentPath(),
        s.sampleRateHz(),
        start,
        Arrays.copyOfRange(s.samples(), from, to),
        s.scale(),
        s.offset(),
        s.unit(),
        s.deviceId());
  }
}
