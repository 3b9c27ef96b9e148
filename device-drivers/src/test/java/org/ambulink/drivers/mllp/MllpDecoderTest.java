package org.ambulink.drivers.mllp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.ambulink.drivers.mllp.MllpDecoder.State;
import org.junit.jupiter.api.Test;

class MllpDecoderTest {

  @Test
  void frame_wraps_payload_in_start_block_end_block_and_carriage_return() {
    assertThat(Mllp.frame("MSH|A".getBytes(US_ASCII)))
        .containsExactly(0x0B, 'M', 'S', 'H', '|', 'A', 0x1C, 0x0D);
    assertThat(Mllp.frame(new byte[0])).containsExactly(0x0B, 0x1C, 0x0D);
  }

  @Test
  void rejects_a_cap_below_one_byte_naming_the_value() {
    assertThatThrownBy(() -> new MllpDecoder(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 0");
  }

  @Test
  void walks_through_the_states_of_a_frame() {
    MllpDecoder decoder = new MllpDecoder(64);
    RecordingSink sink = new RecordingSink();
    assertThat(decoder.state()).isEqualTo(State.START);
    feed(decoder, sink, "<VT>");
    assertThat(decoder.state()).isEqualTo(State.BODY);
    feed(decoder, sink, "AB");
    assertThat(decoder.state()).isEqualTo(State.BODY);
    assertThat(decoder.pendingBytes()).isEqualTo(2);
    feed(decoder, sink, "<FS>");
    assertThat(decoder.state()).isEqualTo(State.PREPARE_END);
    assertThat(sink.frames).isEmpty();
    feed(decoder, sink, "<CR>");
    assertThat(decoder.state()).isEqualTo(State.START);
    assertThat(decoder.pendingBytes()).isZero();
    assertThat(sink.frames).containsExactly("AB".getBytes(US_ASCII));
  }

  @Test
  void an_oversize_frame_is_never_buffered_beyond_the_cap() {
    int max = 1000;
    MllpDecoder decoder = new MllpDecoder(max);
    RecordingSink sink = new RecordingSink();
    Random random = new Random(7);
    feed(decoder, sink, "<VT>");
    byte[] chunk = new byte[8192];
    for (long sent = 0; sent < 5_000_000; sent += chunk.length) {
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = (byte) ('A' + random.nextInt(26));
      }
      int len = 1 + random.nextInt(chunk.length);
      decoder.feed(chunk, 0, len, sink);
      assertThat(decoder.bufferCapacity()).isLessThanOrEqualTo(max);
      assertThat(decoder.pendingBytes()).isLessThanOrEqualTo(max);
    }
    feed(decoder, sink, "<FS><CR><VT>next<FS><CR>");

    assertThat(sink.rejections)
        .singleElement()
        .satisfies(e -> assertThat(e.type()).isEqualTo(MllpProtocolException.Type.FRAME_TOO_LARGE));
    assertThat(sink.frames).containsExactly("next".getBytes(US_ASCII));
    assertThat(sink.garbage).isZero(); // the dropped frame's bytes are not garbage
  }

  @Test
  void releases_a_large_buffer_after_its_frame() {
    int max = Mllp.DEFAULT_MAX_FRAME_BYTES;
    MllpDecoder decoder = new MllpDecoder(max);
    RecordingSink sink = new RecordingSink();
    byte[] big = new byte[max];
    Arrays.fill(big, (byte) 'x');
    byte[] framed = Mllp.frame(big);
    decoder.feed(framed, 0, framed.length, sink);
    assertThat(sink.frames).singleElement().satisfies(f -> assertThat(f).hasSize(max));

    feed(decoder, sink, "<VT>small<FS><CR>");
    assertThat(decoder.bufferCapacity()).isLessThanOrEqualTo(64 * 1024);
  }

  @Test
  void end_of_stream_resets_so_the_decoder_can_be_reused() {
    MllpDecoder decoder = new MllpDecoder(64);
    RecordingSink sink = new RecordingSink();
    feed(decoder, sink, "junk<VT>half");

    assertThat(decoder.endOfStream())
        .hasValueSatisfying(
            e -> {
              assertThat(e.type()).isEqualTo(MllpProtocolException.Type.TRUNCATED);
              assertThat(e.getMessage()).contains("4 payload bytes");
            });
    assertThat(decoder.state()).isEqualTo(State.START);
    assertThat(decoder.endOfStream()).isEmpty();

    feed(decoder, sink, "<VT>whole<FS><CR>");
    assertThat(sink.frames).containsExactly("whole".getBytes(US_ASCII));
    assertThat(decoder.framesRejected()).isEqualTo(1);
    assertThat(decoder.garbageBytesSkipped()).isEqualTo(4);
  }

  @Test
  void rejection_messages_give_sizes_and_bytes_but_never_payload() {
    MllpDecoder decoder = new MllpDecoder(8);
    RecordingSink sink = new RecordingSink();
    feed(decoder, sink, "<VT>SECRET-NAME<FS><CR><VT>SECRET<FS>x<VT>SECRET<VT>");

    assertThat(sink.rejections)
        .extracting(MllpProtocolException::type)
        .containsExactly(
            MllpProtocolException.Type.FRAME_TOO_LARGE,
            MllpProtocolException.Type.BAD_END,
            MllpProtocolException.Type.TRUNCATED);
    assertThat(sink.rejections.get(0).getMessage()).contains("maximum of 8 bytes");
    assertThat(sink.rejections.get(1).getMessage()).contains("0x78").contains("6 payload bytes");
    assertThat(sink.rejections.get(2).getMessage()).contains("start block").contains("6 payload");
    assertThat(sink.rejections)
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain("SECRET"));
  }

  @Test
  void a_sink_that_throws_leaves_the_decoder_consistent() {
    MllpDecoder decoder = new MllpDecoder(64);
    RecordingSink recording = new RecordingSink();
    MllpDecoder.Sink failing =
        payload -> {
          throw new IllegalStateException("downstream full");
        };
    byte[] two = MllpNotation.parse("<VT>A<FS><CR><VT>B<FS><CR>");

    assertThatThrownBy(() -> decoder.feed(two, 0, two.length, failing))
        .hasMessage("downstream full");
    assertThat(decoder.state()).isEqualTo(State.START);
    assertThat(decoder.pendingBytes()).isZero();

    feed(decoder, recording, "<VT>C<FS><CR>");
    assertThat(recording.frames).containsExactly("C".getBytes(US_ASCII));
  }

  @Test
  void feed_checks_its_bounds() {
    MllpDecoder decoder = new MllpDecoder(64);
    assertThatThrownBy(() -> decoder.feed(new byte[4], 2, 3, new RecordingSink()))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void frames_handed_out_are_copies() {
    MllpDecoder decoder = new MllpDecoder(64);
    RecordingSink sink = new RecordingSink();
    byte[] input = MllpNotation.parse("<VT>AB<FS><CR>");
    decoder.feed(input, 0, input.length, sink);
    feed(decoder, sink, "<VT>CD<FS><CR>");
    assertThat(sink.frames).containsExactly("AB".getBytes(US_ASCII), "CD".getBytes(US_ASCII));
  }

  private static void feed(MllpDecoder decoder, RecordingSink sink, String notation) {
    byte[] bytes = MllpNotation.parse(notation);
    decoder.feed(bytes, 0, bytes.length, sink);
  }
}
