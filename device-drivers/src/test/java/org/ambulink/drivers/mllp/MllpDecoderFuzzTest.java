package org.ambulink.drivers.mllp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random streams (noise biased towards the framing bytes, valid frames, and mutations of valid
 * frames) fed in random chunks: the decoder must never throw, never buffer beyond its cap, and
 * agree with a straightforward whole-array reference implementation of the same rules.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MllpDecoderFuzzTest {
  private static final long SEED = 20250101L;
  private static final int ITERATIONS = 4000;

  @Test
  void random_streams_in_random_chunks_match_the_reference_and_stay_within_the_cap() {
    Random random = new Random(SEED);
    Map<String, Integer> seen = new HashMap<>();
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      int max = 1 + random.nextInt(random.nextBoolean() ? 8 : 300);
      byte[] stream = randomStream(random);
      Expected expected = reference(stream, max);

      MllpDecoder decoder = new MllpDecoder(max);
      RecordingSink sink = new RecordingSink();
      int off = 0;
      while (off < stream.length) {
        int len = Math.min(stream.length - off, random.nextInt(random.nextBoolean() ? 4 : 600));
        decoder.feed(stream, off, len, sink);
        off += len;
        assertThat(decoder.bufferCapacity()).isLessThanOrEqualTo(max);
        assertThat(decoder.pendingBytes()).isLessThanOrEqualTo(max);
      }
      sink.endOfStream(decoder);

      String context = "iteration " + iteration + " (seed " + SEED + "), max " + max;
      assertThat(sink.events).as(context).isEqualTo(expected.events);
      assertThat(sink.garbage).as(context).isEqualTo(expected.garbage);
      assertThat(sink.frames).allSatisfy(f -> assertThat(f.length).isLessThanOrEqualTo(max));
      assertThat(decoder.state()).isEqualTo(MllpDecoder.State.START);
      sink.events.forEach(e -> seen.merge(e.startsWith("frame") ? "frame" : e, 1, Integer::sum));
    }
    // The generator must reach every outcome, or the comparison above proves little.
    assertThat(seen)
        .as("outcomes seen")
        .containsKeys(
            "frame",
            "rejected FRAME_TOO_LARGE",
            "rejected BAD_END",
            "rejected TRUNCATED",
            "end of stream TRUNCATED");
    assertThat(seen.values()).allSatisfy(count -> assertThat(count).isGreaterThan(50));
  }

  private static byte[] randomStream(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int parts = 1 + random.nextInt(8);
    for (int p = 0; p < parts; p++) {
      switch (random.nextInt(4)) {
        case 0 -> out.writeBytes(noise(random, random.nextInt(200)));
        case 1 -> out.writeBytes(Mllp.frame(hl7ish(random)));
        default -> out.writeBytes(mutate(random, Mllp.frame(hl7ish(random))));
      }
    }
    return out.toByteArray();
  }

  /** Arbitrary bytes, one in four a framing byte so the state machine gets exercised. */
  private static byte[] noise(Random random, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] =
          switch (random.nextInt(8)) {
            case 0 -> Mllp.START_BLOCK;
            case 1 -> Mllp.END_BLOCK;
            case 2 -> Mllp.CARRIAGE_RETURN;
            default -> (byte) random.nextInt(256);
          };
    }
    return bytes;
  }

  private static byte[] hl7ish(Random random) {
    StringBuilder sb = new StringBuilder("MSH|^~\\&|MON||||||ORU^R01|");
    sb.append(random.nextInt(100000)).append("|P|2.6\r");
    int obx = random.nextInt(40);
    for (int i = 1; i <= obx; i++) {
      sb.append("OBX|").append(i).append("|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||97\r");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] mutate(Random random, byte[] frame) {
    List<Byte> bytes = new ArrayList<>();
    for (byte b : frame) {
      bytes.add(b);
    }
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && !bytes.isEmpty(); m++) {
      int at = random.nextInt(bytes.size());
      switch (random.nextInt(5)) {
        case 0 -> bytes.remove(at);
        case 1 -> bytes.set(at, noise(random, 1)[0]);
        case 2 -> bytes.add(at, noise(random, 1)[0]);
        case 3 -> bytes.subList(at, bytes.size()).clear(); // truncate
        default -> bytes.add(at, bytes.get(random.nextInt(bytes.size()))); // duplicate a byte
      }
    }
    byte[] result = new byte[bytes.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = bytes.get(i);
    }
    return result;
  }

  private record Expected(List<String> events, long garbage) {}

  /** The decoder's rules, applied to the whole stream at once by index arithmetic. */
  private static Expected reference(byte[] b, int max) {
    List<String> events = new ArrayList<>();
    long garbage = 0;
    int n = b.length;
    int i = 0;
    while (i < n) {
      if (b[i] != Mllp.START_BLOCK) {
        garbage++;
        i++;
        continue;
      }
      int start = i + 1;
      int j = start;
      while (j < n && b[j] != Mllp.START_BLOCK && b[j] != Mllp.END_BLOCK) {
        j++;
      }
      boolean tooLarge = j - start > max;
      if (tooLarge) {
        events.add("rejected FRAME_TOO_LARGE");
      }
      if (j == n || (b[j] == Mllp.END_BLOCK && j + 1 == n)) {
        if (!tooLarge) {
          events.add("end of stream TRUNCATED");
        }
        break;
      }
      if (b[j] == Mllp.START_BLOCK) {
        if (!tooLarge) {
          events.add("rejected TRUNCATED");
        }
        i = j;
      } else if (b[j + 1] == Mllp.CARRIAGE_RETURN) {
        if (!tooLarge) {
          events.add("frame " + MllpNotation.format(Arrays.copyOfRange(b, start, j)));
        }
        i = j + 2;
      } else {
        if (!tooLarge) {
          events.add("rejected BAD_END");
        }
        i = j + 1;
      }
    }
    return new Expected(events, garbage);
  }
}
