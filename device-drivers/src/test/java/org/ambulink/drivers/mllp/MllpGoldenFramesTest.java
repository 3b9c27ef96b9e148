package org.ambulink.drivers.mllp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden fixtures: two IHE PCD-01 messages as a monitor frames them, decoded and compared to the
 * expected payload files, then re-framed and compared byte for byte.
 */
class MllpGoldenFramesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({"pcd01-two-frames.mllp, 0", "pcd01-two-frames-noisy.mllp, 3"})
  void decodes_fixture_into_expected_messages(String fixture, long garbage) throws IOException {
    byte[] stream = resource(fixture);
    byte[] msg1 = resource("pcd01-msg1.hl7");
    byte[] msg2 = resource("pcd01-msg2.hl7");

    for (int chunk : new int[] {1, 7, 64, 4096}) {
      MllpDecoder decoder = new MllpDecoder(Mllp.DEFAULT_MAX_FRAME_BYTES);
      RecordingSink sink = new RecordingSink();
      for (int off = 0; off < stream.length; off += chunk) {
        decoder.feed(stream, off, Math.min(chunk, stream.length - off), sink);
      }
      assertThat(decoder.endOfStream()).isEmpty();
      assertThat(sink.frames).as("chunk %d", chunk).containsExactly(msg1, msg2);
      assertThat(sink.garbage).isEqualTo(garbage);
      assertThat(sink.rejections).isEmpty();
    }
  }

  @Test
  void framing_the_messages_reproduces_the_fixture() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Mllp.frame(resource("pcd01-msg1.hl7")));
    out.writeBytes(Mllp.frame(resource("pcd01-msg2.hl7")));
    assertThat(out.toByteArray()).isEqualTo(resource("pcd01-two-frames.mllp"));
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = MllpGoldenFramesTest.class.getResourceAsStream("/mllp/" + name)) {
      assertThat(in).as("test resource mllp/%s", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
