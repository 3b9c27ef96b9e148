package org.ambulink.drivers.ecgframe;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * Encodes and decodes the compact binary ECG frame of the live data channel, version 1 (the format,
 * its limits and its reasons are in {@code docs/ecg-frames.md}). Little-endian:
 *
 * <pre>
 * offset size
 *  0     1   magic 0xEC
 *  1     1   version 1
 *  2     1   flags: bit 0 BACKFILL, bit 1 CLIPPED, the others 0
 *  3     1   lead count n, 1..16
 *  4     4   sequence number, uint32 (wraps to 0 after 2^32-1)
 *  8     8   time of sample 0, int64 microseconds since the epoch
 * 16     2   sample rate, uint16 Hz, 1..65535
 * 18     2   samples per lead m, uint16, 1..65535
 * 20     4   scale, int32 nanovolts per count, not 0
 * 24    4n   lead codes, uint32 MDC codes (e.g. 131330 MDC_ECG_ELEC_POTL_II)
 * 24+4n 2nm  samples, int16, lead-major (all of lead 0, then all of lead 1...)
 * </pre>
 *
 * A frame is at most {@link #MAX_FRAME_BYTES}. Every method throws only {@link EcgFrameException}
 * for bad input (and {@link NullPointerException} for null).
 */
public final class EcgFrameCodec {
  public static final int MAGIC = 0xEC;
  public static final int VERSION = 1;
  public static final int FLAG_BACKFILL = 0x01;
  public static final int FLAG_CLIPPED = 0x02;
  static final int KNOWN_FLAGS = FLAG_BACKFILL | FLAG_CLIPPED;
  public static final int HEADER_BYTES = 24;
  public static final int MAX_LEADS = 16;

  /** Well under the 16 KiB a data-channel message may have without fragmentation. */
  public static final int MAX_FRAME_BYTES = 12 * 1024;

  public static final long MAX_SEQUENCE = 0xFFFF_FFFFL;

  private static final BigDecimal NANOVOLTS_PER_MILLIVOLT = BigDecimal.valueOf(1_000_000);

  private EcgFrameCodec() {}

  /** The size of a frame of {@code leads} leads of {@code samplesPerLead} samples each. */
  public static int frameBytes(int leads, int samplesPerLead) {
    return HEADER_BYTES + 4 * leads + 2 * leads * samplesPerLead;
  }

  /** The next sequence number: {@code (sequence + 1) mod 2^32}. */
  public static long nextSequence(long sequence) {
    return (sequence + 1) & MAX_SEQUENCE;
  }

  /**
   * Whether sequence number {@code a} comes after {@code b}, in serial-number arithmetic (RFC
   * 1982): {@code a} is newer when {@code (a - b) mod 2^32} is in 1..2^31-1.
   */
  public static boolean isAfter(long a, long b) {
    long d = (a - b) & MAX_SEQUENCE;
    return d != 0 && d < 0x8000_0000L;
  }

  /**
   * The frame of a set of segments that share start time, sample rate, scale and sample count (the
   * leads of one monitor message), in the given order. Samples outside int16 are clipped to -32768
   * or 32767 and the frame is flagged {@link #FLAG_CLIPPED}.
   *
   * @throws EcgFrameException when the segments do not share these, have a non-zero offset, a unit
   *     other than mV, a rate that is not a whole number of Hz in 1..65535, a start time that is
   *     not a whole microsecond, a scale that is not a whole number of nanovolts, or would make a
   *     frame over {@link #MAX_FRAME_BYTES}
   */
  public static EcgFrame frame(long sequence, List<WaveformSegment> segments, boolean backfill) {
    Objects.requireNonNull(segments, "segments");
    if (segments.isEmpty() || segments.size() > MAX_LEADS) {
      throw new EcgFrameException(
          "lead count must be 1.." + MAX_LEADS + ", was " + segments.size());
    }
    if (sequence < 0 || sequence > MAX_SEQUENCE) {
      throw new EcgFrameException("sequence must be a uint32, was " + sequence);
    }
    WaveformSegment first = segments.get(0);
    int rate = wholeRate(first.sampleRateHz());
    long startMicros = micros(first.startTime());
    int nanovolts = nanovolts(first.scale());
    int count = first.sampleCount();
    int bytes = frameBytes(segments.size(), count);
    if (count < 1 || count > 65535 || bytes > MAX_FRAME_BYTES) {
      throw new EcgFrameException(
          "over-size: "
              + segments.size()
              + " leads × "
              + count
              + " samples make "
              + bytes
              + " bytes, the maximum is "
              + MAX_FRAME_BYTES
              + " (and 1..65535 samples per lead)");
    }
    int[] codes = new int[segments.size()];
    short[][] samples = new short[segments.size()][count];
    boolean clipped = false;
    for (int l = 0; l < segments.size(); l++) {
      WaveformSegment s = Objects.requireNonNull(segments.get(l), "segment " + l);
      String lead = s.lead().toString();
      if (!s.startTime().equals(first.startTime())) {
        throw new EcgFrameException(
            "start time mismatch: lead "
                + lead
                + " starts at "
                + s.startTime()
                + ", not "
                + first.startTime());
      }
      if (Double.compare(s.sampleRateHz(), first.sampleRateHz()) != 0) {
        throw new EcgFrameException(
            "sample rate mismatch: lead "
                + lead
                + " is "
                + s.sampleRateHz()
                + " Hz, not "
                + first.sampleRateHz());
      }
      if (s.scale().compareTo(first.scale()) != 0) {
        throw new EcgFrameException(
            "scale mismatch: lead " + lead + " has " + s.scale() + ", not " + first.scale());
      }
      if (s.sampleCount() != count) {
        throw new EcgFrameException(
            "sample count mismatch: lead " + lead + " has " + s.sampleCount() + ", not " + count);
      }
      if (s.offset().signum() != 0) {
        throw new EcgFrameException(
            "offset must be 0, lead " + lead + " has " + s.offset().toPlainString());
      }
      if (!s.unit().sameCode(WaveformSegment.MILLIVOLT)) {
        throw new EcgFrameException("unit must be mV, lead " + lead + " has " + s.unit());
      }
      codes[l] = s.lead().code();
      for (int i = 0; i < count; i++) {
        int v = s.sample(i);
        if (v > Short.MAX_VALUE) {
          v = Short.MAX_VALUE;
          clipped = true;
        } else if (v < Short.MIN_VALUE) {
          v = Short.MIN_VALUE;
          clipped = true;
        }
        samples[l][i] = (short) v;
      }
    }
    int flags = (backfill ? FLAG_BACKFILL : 0) | (clipped ? FLAG_CLIPPED : 0);
    return new EcgFrame(sequence, startMicros, rate, nanovolts, flags, codes, samples);
  }

  /** {@link #frame} then {@link #encode(EcgFrame)}. */
  public static byte[] encode(long sequence, List<WaveformSegment> segments, boolean backfill) {
    return encode(frame(sequence, segments, backfill));
  }

  /** The bytes of a frame. */
  public static byte[] encode(EcgFrame frame) {
    int n = frame.leadCount();
    int m = frame.samplesPerLead();
    int bytes = frameBytes(n, m);
    if (bytes > MAX_FRAME_BYTES) {
      throw new EcgFrameException(
          "over-size: "
              + n
              + " leads × "
              + m
              + " samples make "
              + bytes
              + " bytes, the maximum is "
              + MAX_FRAME_BYTES);
    }
    ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) MAGIC).put((byte) VERSION).put((byte) frame.flags()).put((byte) n);
    b.putInt((int) frame.sequence());
    b.putLong(frame.startMicros());
    b.putShort((short) frame.sampleRateHz());
    b.putShort((short) m);
    b.putInt(frame.nanovoltsPerCount());
    for (int code : frame.leadCodes()) {
      b.putInt(code);
    }
    for (int l = 0; l < n; l++) {
      for (int i = 0; i < m; i++) {
        b.putShort(frame.sample(l, i));
      }
    }
    return b.array();
  }

  /** Decodes a whole frame; the array must hold exactly one frame. */
  public static EcgFrame decode(byte[] data) {
    return decode(ByteBuffer.wrap(Objects.requireNonNull(data, "data")));
  }

  /** Decodes the remaining bytes of a buffer (which must be exactly one frame); reads it all. */
  public static EcgFrame decode(ByteBuffer data) {
    ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    int length = b.remaining();
    if (length > MAX_FRAME_BYTES) {
      throw new EcgFrameException(
          "over-size frame: " + length + " bytes, the maximum is " + MAX_FRAME_BYTES);
    }
    if (length < HEADER_BYTES) {
      throw new EcgFrameException(
          "truncated frame: " + length + " bytes, the header alone is " + HEADER_BYTES);
    }
    int magic = b.get() & 0xFF;
    if (magic != MAGIC) {
      throw new EcgFrameException(
          String.format("wrong magic 0x%02x, expected 0x%02x", magic, MAGIC));
    }
    int version = b.get() & 0xFF;
    if (version != VERSION) {
      throw new EcgFrameException(
          "unsupported version " + version + ", this decoder reads version " + VERSION);
    }
    int flags = b.get() & 0xFF;
    if ((flags & ~KNOWN_FLAGS) != 0) {
      throw new EcgFrameException(String.format("unknown flag bits 0x%02x", flags & ~KNOWN_FLAGS));
    }
    int n = b.get() & 0xFF;
    if (n < 1 || n > MAX_LEADS) {
      throw new EcgFrameException("lead count must be 1.." + MAX_LEADS + ", was " + n);
    }
    long sequence = b.getInt() & MAX_SEQUENCE;
    long startMicros = b.getLong();
    int rate = b.getShort() & 0xFFFF;
    if (rate == 0) {
      throw new EcgFrameException("sample rate must be 1..65535 Hz, was 0");
    }
    int m = b.getShort() & 0xFFFF;
    if (m == 0) {
      throw new EcgFrameException("samples per lead must be 1..65535, was 0");
    }
    int nanovolts = b.getInt();
    if (nanovolts == 0) {
      throw new EcgFrameException("scale must not be 0 nV per count");
    }
    int expected = frameBytes(n, m);
    if (length < expected) {
      throw new EcgFrameException(
          "truncated frame: "
              + length
              + " bytes, "
              + n
              + " leads × "
              + m
              + " samples need "
              + expected);
    }
    if (length > expected) {
      throw new EcgFrameException(
          "count mismatch: "
              + n
              + " leads × "
              + m
              + " samples make "
              + expected
              + " bytes, the frame has "
              + length);
    }
    int[] codes = new int[n];
    for (int l = 0; l < n; l++) {
      long code = b.getInt() & MAX_SEQUENCE;
      if (code > Integer.MAX_VALUE) {
        throw new EcgFrameException("lead code out of range: " + code);
      }
      codes[l] = (int) code;
    }
    short[][] samples = new short[n][m];
    for (int l = 0; l < n; l++) {
      for (int i = 0; i < m; i++) {
        samples[l][i] = b.getShort();
      }
    }
    return new EcgFrame(sequence, startMicros, rate, nanovolts, flags, codes, samples);
  }

  private static int wholeRate(double hz) {
    if (hz != Math.rint(hz) || hz < 1 || hz > 65535) {
      throw new EcgFrameException("sample rate must be a whole number 1..65535 Hz, was " + hz);
    }
    return (int) hz;
  }

  private static long micros(Instant t) {
    if (t.getNano() % 1000 != 0) {
      throw new EcgFrameException("start time must be a whole microsecond, was " + t);
    }
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw new EcgFrameException("start time out of range of int64 microseconds: " + t);
    }
  }

  private static int nanovolts(BigDecimal millivoltsPerCount) {
    BigDecimal nv = millivoltsPerCount.multiply(NANOVOLTS_PER_MILLIVOLT);
    try {
      int v = nv.intValueExact();
      if (v == 0) {
        throw new ArithmeticException();
      }
      return v;
    } catch (ArithmeticException e) {
      throw new EcgFrameException(
          "scale must be a whole, non-zero int32 number of nanovolts per count, was "
              + millivoltsPerCount.toPlainString()
              + " mV");
    }
  }
}
