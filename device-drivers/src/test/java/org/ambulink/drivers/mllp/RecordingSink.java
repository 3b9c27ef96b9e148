package org.ambulink.drivers.mllp;

import java.util.ArrayList;
import java.util.List;

/**
 * A decoder sink that records what it is told: frames and rejections as one ordered event list (in
 * the fixture notation), garbage as a total (its split into calls depends on chunking).
 */
final class RecordingSink implements MllpDecoder.Sink {
  final List<String> events = new ArrayList<>();
  final List<byte[]> frames = new ArrayList<>();
  final List<MllpProtocolException> rejections = new ArrayList<>();
  long garbage;

  @Override
  public void frame(byte[] payload) {
    frames.add(payload);
    events.add("frame " + MllpNotation.format(payload));
  }

  @Override
  public void garbage(int skippedBytes) {
    if (skippedBytes <= 0) {
      throw new AssertionError("garbage reported with a count of " + skippedBytes);
    }
    garbage += skippedBytes;
  }

  @Override
  public void rejected(MllpProtocolException e) {
    rejections.add(e);
    events.add("rejected " + e.type());
  }

  /** Records the end of stream the way the sink records rejections. */
  void endOfStream(MllpDecoder decoder) {
    decoder.endOfStream().ifPresent(e -> events.add("end of stream " + e.type()));
  }
}
