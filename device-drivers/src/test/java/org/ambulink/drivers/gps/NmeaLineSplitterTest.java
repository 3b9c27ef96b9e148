package org.ambulink.drivers.gps;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NmeaLineSplitterTest {
  private final List<String> pieces = new ArrayList<>();
  private final NmeaLineSplitter.Sink sink =
      new NmeaLineSplitter.Sink() {
        @Override
        public void line(String line) {
          pieces.add(line);
        }

        @Override
        public void tooLong() {
          pieces.add("<too long>");
        }
      };
  private final NmeaLineSplitter splitter = new NmeaLineSplitter(20);

  @Test
  void splits_on_cr_lf_and_either_alone_and_skips_empty_lines() {
    feed("$A*00\r\n$B*00\n$C*00\r\r\n\n$D");
    feed("*00\r\n");

    assertThat(pieces).containsExactly("$A*00", "$B*00", "$C*00", "$D*00");
  }

  @Test
  void a_dollar_starts_a_new_line_so_noise_and_half_sentences_do_not_swallow_the_next() {
    feed("noise$GPRMC,1$GPGGA,2*00\r\n");

    assertThat(pieces).containsExactly("noise", "$GPRMC,1", "$GPGGA,2*00");
  }

  @Test
  void overlong_lines_are_reported_once_and_skipped_without_buffering() {
    feed("x".repeat(25));
    feed("y".repeat(10_000));
    feed("\r\n$OK*00\r\n");
    feed("z".repeat(30) + "$AFTER*00\n");

    assertThat(pieces).containsExactly("<too long>", "$OK*00", "<too long>", "$AFTER*00");
  }

  @Test
  void exactly_the_maximum_is_fine() {
    feed("$" + "a".repeat(19) + "\n");

    assertThat(pieces).containsExactly("$" + "a".repeat(19));
  }

  private void feed(String s) {
    byte[] bytes = s.getBytes(ISO_8859_1);
    splitter.feed(bytes, 0, bytes.length, sink);
  }
}
