package org.ambulink.drivers.mllp;

import static org.ambulink.drivers.mllp.Mllp.CARRIAGE_RETURN;
import static org.ambulink.drivers.mllp.Mllp.END_BLOCK;
import static org.ambulink.drivers.mllp.Mllp.START_BLOCK;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * Incremental MLLP frame decoder: turns an arbitrarily chunked byte stream into frame payloads with
 * bounded memory, so one misbehaving monitor cannot exhaust the appliance. An explicit state
 * machine in the manner of hapi-hl7v2's {@code MllpDecoderState}.
 *
 * <p>Rules, in the order they apply:
 *
 * <ul>
 *   <li>Bytes before a start block are skipped and reported as garbage ({@link Sink#garbage}), one
 *       call per contiguous run within a {@link #feed} call.
 *   <li>{@code 0x0B payload 0x1C 0x0D} yields {@code payload}; an empty payload is passed on too
 *       (the handler decides what an empty message deserves).
 *   <li>A payload that would grow beyond {@code maxFrameBytes} is rejected once with {@link
 *       MllpProtocolException.Type#FRAME_TOO_LARGE}; its remaining bytes are dropped without being
 *       buffered (and are not counted as garbage) up to its end block or the next start block.
 *   <li>{@code 0x1C} followed by anything other than {@code 0x0D} is rejected with {@link
 *       MllpProtocolException.Type#BAD_END}; the byte after the 0x1C is then examined as if between
 *       frames, so a 0x0B there starts the next frame.
 *   <li>A start block inside a frame is taken as the start of a new frame: the partial frame is
 *       rejected with {@link MllpProtocolException.Type#TRUNCATED}. Well-formed HL7 never contains
 *       0x0B (ER7 escapes control characters), so this byte means the sender restarted mid-message
 *       (monitor reboot, lost bytes on a serial line); resynchronising on it keeps the new message
 *       instead of losing it together with the broken one.
 *   <li>{@link #endOfStream()} reports a pending partial frame as {@link
 *       MllpProtocolException.Type#TRUNCATED}; partial frames are never passed on.
 * </ul>
 *
 * <p>Not thread-safe: one decoder per connection or serial port, fed by one thread. State is
 * updated before each sink call, so a sink that throws leaves the decoder consistent (the rest of
 * that {@code feed} buffer is not decoded).
 */
public final class MllpDecoder {
  /** Where the decoder is within the byte stream. */
  public enum State {
    /** Between frames, looking for a start block. */
    START,
    /** Inside a frame's payload, looking for the end block. */
    BODY,
    /** Saw the end block; the next byte must be a carriage return. */
    PREPARE_END
  }

  /** Receives what the decoder finds. Called on the feeding thread. */
  public interface Sink {
    /** A complete frame; {@code payload} is a fresh array the sink may keep. */
    void frame(byte[] payload);

    /** {@code skippedBytes} bytes outside any frame were skipped. */
    default void garbage(int skippedBytes) {}

    /** A frame was dropped at the framing level; the decoder has already resynchronised. */
    default void rejected(MllpProtocolException e) {}

    /**
     * A sink for the sending end of a link: adds each frame to {@code frames} in arrival order and
     * hands each rejection to {@code onRejected}; skipped garbage is ignored.
     */
    static Sink queueing(Queue<byte[]> frames, Consumer<MllpProtocolException> onRejected) {
      Objects.requireNonNull(frames, "frames");
      Objects.requireNonNull(onRejected, "onRejected");
      return new Sink() {
        @Override
        public void frame(byte[] payload) {
          frames.add(payload);
        }

        @Override
        public void rejected(MllpProtocolException e) {
          onRejected.accept(e);
        }
      };
    }
  }

  private static final int INITIAL_CAPACITY = 4096;

  /** Buffers grown beyond this are released after their frame, so idle links stay small. */
  private static final int RETAINED_CAPACITY = 64 * 1024;

  private final int maxFrameBytes;
  private State state = State.START;
  private byte[] buffer;
  private int length;

  /** True while inside a frame already rejected as too large: its bytes are dropped. */
  private boolean overflowed;

  private long garbageBytesSkipped;
  private long framesRejected;

  /**
   * @param maxFrameBytes the largest payload accepted, in bytes (at least 1); see {@link
   *     Mllp#DEFAULT_MAX_FRAME_BYTES}
   */
  public MllpDecoder(int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 1, was " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
    this.buffer = new byte[Math.min(INITIAL_CAPACITY, maxFrameBytes)];
  }

  /**
   * Decodes {@code len} bytes of {@code buf} from {@code off}, continuing whatever frame the
   * previous call left open, and reports every complete frame, garbage run and rejection to {@code
   * sink}.
   */
  public void feed(byte[] buf, int off, int len, Sink sink) {
    Objects.checkFromIndexSize(off, len, buf.length);
    Objects.requireNonNull(sink, "sink");
    int garbage = 0;
    int end = off + len;
    for (int i = off; i < end; i++) {
      byte b = buf[i];
      switch (state) {
        case START -> {
          if (b == START_BLOCK) {
            garbage = flushGarbage(garbage, sink);
            beginFrame();
          } else {
            garbage++;
          }
        }
        case BODY -> {
          if (b == END_BLOCK) {
            state = State.PREPARE_END;
          } else if (b == START_BLOCK) {
            int partial = length;
            boolean alreadyRejected = overflowed;
            beginFrame();
            if (!alreadyRejected) {
              reject(
                  MllpProtocolException.Type.TRUNCATED,
                  "start block 0x0B inside a frame after "
                      + partial
                      + " payload bytes; partial frame discarded, new frame started",
                  sink);
            }
          } else {
            append(b, sink);
          }
        }
        case PREPARE_END -> {
          if (b == CARRIAGE_RETURN) {
            boolean complete = !overflowed;
            byte[] payload = complete ? Arrays.copyOf(buffer, length) : null;
            endFrame();
            if (complete) {
              sink.frame(payload);
            }
          } else {
            boolean alreadyRejected = overflowed;
            int partial = length;
            endFrame();
            if (!alreadyRejected) {
              reject(
                  MllpProtocolException.Type.BAD_END,
                  String.format(
                      "end block 0x1C followed by 0x%02X instead of 0x0D after %d payload bytes;"
                          + " frame discarded",
                      b & 0xFF, partial),
                  sink);
            }
            // Resynchronise: look at this byte as if between frames.
            if (b == START_BLOCK) {
              garbage = flushGarbage(garbage, sink);
              beginFrame();
            } else {
              garbage++;
            }
          }
        }
      }
    }
    flushGarbage(garbage, sink);
  }

  /**
   * Ends the stream: a frame still open is discarded and returned as a {@link
   * MllpProtocolException.Type#TRUNCATED} error (also counted in {@link #framesRejected()}). The
   * decoder is then reset to {@link State#START} and may be reused for a new stream.
   *
   * @return the truncation, or empty when the stream ended between frames (or inside a frame that
   *     was already rejected as too large)
   */
  public Optional<MllpProtocolException> endOfStream() {
    Optional<MllpProtocolException> result = Optional.empty();
    if (state != State.START && !overflowed) {
      framesRejected++;
      result =
          Optional.of(
              new MllpProtocolException(
                  MllpProtocolException.Type.TRUNCATED,
                  "stream ended inside a frame after "
                      + length
                      + " payload bytes"
                      + (state == State.PREPARE_END ? " and the end block" : "")
                      + "; partial frame discarded"));
    }
    endFrame();
    return result;
  }

  public State state() {
    return state;
  }

  /** Total bytes skipped outside frames since this decoder was created. */
  public long garbageBytesSkipped() {
    return garbageBytesSkipped;
  }

  /** Total frames rejected (too large, bad end, truncated) since this decoder was created. */
  public long framesRejected() {
    return framesRejected;
  }

  /** Payload bytes of the open frame held in memory; never more than {@code maxFrameBytes}. */
  public int pendingBytes() {
    return length;
  }

  /** The size of the internal buffer, for tests of the memory bound. */
  int bufferCapacity() {
    return buffer.length;
  }

  private void beginFrame() {
    endFrame();
    state = State.BODY;
  }

  private void endFrame() {
    state = State.START;
    length = 0;
    overflowed = false;
    if (buffer.length > RETAINED_CAPACITY) {
      buffer = new byte[Math.min(INITIAL_CAPACITY, maxFrameBytes)];
    }
  }

  private void append(byte b, Sink sink) {
    if (overflowed) {
      return;
    }
    if (length == maxFrameBytes) {
      overflowed = true;
      length = 0;
      if (buffer.length > RETAINED_CAPACITY) {
        buffer = new byte[Math.min(INITIAL_CAPACITY, maxFrameBytes)];
      }
      reject(
          MllpProtocolException.Type.FRAME_TOO_LARGE,
          "frame larger than the maximum of "
              + maxFrameBytes
              + " bytes; it is dropped up to its end block (raise the max-frame-bytes setting if"
              + " the monitor really sends messages this large)",
          sink);
      return;
    }
    if (length == buffer.length) {
      buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 2, maxFrameBytes));
    }
    buffer[length++] = b;
  }

  private void reject(MllpProtocolException.Type type, String message, Sink sink) {
    framesRejected++;
    sink.rejected(new MllpProtocolException(type, message));
  }

  private int flushGarbage(int garbage, Sink sink) {
    if (garbage > 0) {
      garbageBytesSkipped += garbage;
      sink.garbage(garbage);
    }
    return 0;
  }
}
