package org.ambulink.drivers.mllp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/**
 * The decoder against the table in {@code mllp/decoder-cases.csv}: every case must decode the same
 * whether the input arrives in one read, split in two or three reads at every possible boundary, or
 * one byte at a time.
 */
class MllpDecoderTableTest {

  @ParameterizedTest(name = "{0}")
  @CsvFileSource(resources = "/mllp/decoder-cases.csv", delimiter = ';', numLinesToSkip = 1)
  void decodes_the_same_however_the_input_is_split(
      String name,
      int max,
      String input,
      String frames,
      String rejections,
      long garbage,
      String endOfStream) {
    byte[] bytes = MllpNotation.parse(input);
    List<String> expectedFrames =
        list(frames).stream()
            .map(f -> MllpNotation.format(MllpNotation.parse(f)))
            .collect(Collectors.toList());
    List<String> expectedRejections = list(rejections);
    String expectedEnd = "-".equals(endOfStream) ? null : endOfStream;

    List<String> reference = null;
    for (int[] cuts : chunkings(bytes.length)) {
      MllpDecoder decoder = new MllpDecoder(max);
      RecordingSink sink = new RecordingSink();
      int from = 0;
      for (int cut : cuts) {
        decoder.feed(bytes, from, cut - from, sink);
        from = cut;
        assertThat(decoder.bufferCapacity()).as("buffer capacity").isLessThanOrEqualTo(max);
        assertThat(decoder.pendingBytes()).isLessThanOrEqualTo(max);
      }
      String split = "split at " + Arrays.toString(cuts);
      var end = decoder.endOfStream();

      assertThat(sink.frames.stream().map(MllpNotation::format))
          .as("frames, " + split)
          .containsExactlyElementsOf(expectedFrames);
      assertThat(sink.rejections.stream().map(e -> e.type().name()))
          .as("rejections, " + split)
          .containsExactlyElementsOf(expectedRejections);
      assertThat(sink.garbage).as("garbage reported, " + split).isEqualTo(garbage);
      assertThat(decoder.garbageBytesSkipped()).as("garbage counted, " + split).isEqualTo(garbage);
      assertThat(end.map(e -> e.type().name()).orElse(null))
          .as("end of stream, " + split)
          .isEqualTo(expectedEnd);
      assertThat(decoder.framesRejected())
          .as("frames rejected, " + split)
          .isEqualTo(expectedRejections.size() + (expectedEnd == null ? 0 : 1));
      assertThat(decoder.state()).isEqualTo(MllpDecoder.State.START);

      if (reference == null) {
        reference = sink.events;
      } else {
        assertThat(sink.events).as("event order, " + split).isEqualTo(reference);
      }
    }
  }

  /** Re-framing the decoded frames gives back the input of every clean case byte for byte. */
  @ParameterizedTest(name = "{0}")
  @CsvFileSource(resources = "/mllp/decoder-cases.csv", delimiter = ';', numLinesToSkip = 1)
  void clean_input_round_trips(
      String name,
      int max,
      String input,
      String frames,
      String rejections,
      long garbage,
      String endOfStream) {
    if (!"-".equals(rejections) || garbage != 0 || !"-".equals(endOfStream)) {
      return; // only inputs that are nothing but valid frames can round-trip
    }
    byte[] bytes = MllpNotation.parse(input);
    RecordingSink sink = new RecordingSink();
    new MllpDecoder(max).feed(bytes, 0, bytes.length, sink);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sink.frames.forEach(f -> out.writeBytes(Mllp.frame(f)));
    assertThat(out.toByteArray()).isEqualTo(bytes);
  }

  private static List<String> list(String column) {
    if (column == null || column.equals("-")) {
      return List.of();
    }
    return Arrays.stream(column.split(",")).map(String::trim).collect(Collectors.toList());
  }

  /** Every way to cut the input into 1, 2 or 3 reads, plus one byte per read; the end cut last. */
  private static List<int[]> chunkings(int n) {
    List<int[]> result = new ArrayList<>();
    result.add(new int[] {n});
    for (int i = 0; i <= n; i++) {
      result.add(new int[] {i, n});
      for (int j = i; j <= n; j++) {
        result.add(new int[] {i, j, n});
      }
    }
    int[] single = new int[n + 1];
    for (int i = 0; i <= n; i++) {
      single[i] = i;
    }
    result.add(single);
    return result;
  }
}
