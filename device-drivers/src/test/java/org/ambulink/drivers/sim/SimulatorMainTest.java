package org.ambulink.drivers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.ambulink.drivers.hl7.Hl7Decoder;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MonitorMessage;
import org.ambulink.drivers.model.WaveformSegment;
import org.ambulink.drivers.wfdb.WfdbReader;
import org.ambulink.drivers.wfdb.WfdbRecord;
import org.ambulink.testsupport.MainRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SimulatorMainTest {
  private final MainRunner main = new MainRunner(SimulatorMain::run);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      value = {
        "--tcp localhost:2575 --rate fast; --rate 'fast' is not a number",
        "--tcp localhost:2575 --chunk-ms -1; --chunk-ms '-1' must be from 1",
        "--serial /dev/ttyS0 --baud 12345; baud 12345 is not a standard rate",
        "--tcp nohost; --tcp 'nohost' is not host:port",
        "--speed 1; no link given",
        "--tcp localhost:2575 --record no/such/record; --record 'no/such/record': no header file",
        "--tcp localhost:2575 --chunk-ms 1 --rate 0.5; holds no sample at 0.5 Hz",
      })
  void bad_arguments_exit_with_2_naming_the_value_and_showing_the_usage(
      String args, String message) {
    int status = run(args.split(" "));

    assertThat(status).isEqualTo(2);
    assertThat(main.err()).startsWith("simulator: ").contains(message).contains("Usage: simulator");
    assertThat(main.out()).isEmpty();
  }

  @Test
  void a_corrupt_record_exits_with_1_naming_the_checksum(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("c.dat"), new byte[] {1, 0, 2, 0});
    Files.writeString(dir.resolve("c.hea"), "c 1 500 2\nc.dat 16 200 16 0 1 4 0 II\n");

    int status = run("--tcp", "localhost:2575", "--record", dir.resolve("c.hea").toString());

    assertThat(status).isEqualTo(1);
    assertThat(main.err()).contains("checksum mismatch").contains("c.dat");
  }

  @Test
  void help_prints_the_usage_and_exits_with_0() {
    assertThat(run("--help")).isZero();
    assertThat(main.out()).contains("--record").contains("--ack-timeout-ms");
  }

  @Test
  void sends_hl7_over_mllp_tcp_and_counts_the_acks_of_a_real_listener() throws Exception {
    try (FakeListener listener = new FakeListener()) {
      int status =
          run(
              "--tcp",
              "127.0.0.1:" + listener.port(),
              "--record",
              "ecg/100",
              "--speed",
              "0",
              "--duration",
              "2",
              "--device-id",
              "00A0B0C0D0E0F001");

      assertThat(status).as(main.err()).isZero();
      List<String> messages = listener.messages;
      assertThat(messages).hasSize(8);
      String first = messages.get(0);
      assertThat(first).startsWith("MSH|^~\\&|").contains("ORU^R01");
      assertThat(first).contains("131330^MDC_ECG_ELEC_POTL_II^MDC").contains("131335");
      assertThat(first).contains("00A0B0C0D0E0F001");
      assertThat(messages.get(4)).contains("150456^MDC_PULS_OXIM_SAT_O2^MDC");
      String console = main.out();
      assertThat(console).contains("sim: replaying record 100 (leads II V5)");
      assertThat(console).contains("sim: connected to mllp-tcp://127.0.0.1:" + listener.port());
      assertThat(console).contains("messages=8 samples=2000 acks=8 nacks=0 errors=0");
      // What went over the wire decodes to the record's exact millivolts, lead by lead.
      WfdbRecord record = WfdbReader.read("ecg/100");
      Resampler resampler = new Resampler(360, 500);
      int[][] expected = {
        resampler.resample(minus(record.samples(0), 1024)),
        resampler.resample(minus(record.samples(1), 1024))
      };
      Hl7Decoder decoder = new Hl7Decoder();
      int n = 0;
      for (String raw : messages) {
        MonitorMessage m = decoder.decode(raw);
        assertThat(m.waveforms())
            .extracting(WaveformSegment::lead)
            .containsExactly(EcgLeads.II, EcgLeads.V5);
        for (int lead = 0; lead < 2; lead++) {
          WaveformSegment w = m.waveforms().get(lead);
          for (int i = 0; i < w.sampleCount(); i++) {
            assertThat(w.physical(i))
                .isEqualByComparingTo(
                    new BigDecimal("0.005").multiply(BigDecimal.valueOf(expected[lead][n + i])));
          }
        }
        n += m.waveforms().get(0).sampleCount();
      }
      assertThat(n).isEqualTo(1000);
    }
  }

  private static int[] minus(int[] x, int baseline) {
    for (int i = 0; i < x.length; i++) {
      x[i] -= baseline;
    }
    return x;
  }

  private int run(String... args) {
    return main.run(args);
  }

  /** A minimal MLLP listener that answers every frame with AA and its MSH-10. */
  private static final class FakeListener implements AutoCloseable {
    final List<String> messages = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final Thread thread;

    FakeListener() throws IOException {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      thread = new Thread(this::serve, "fake-mllp-listener");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          InputStream in = s.getInputStream();
          OutputStream o = s.getOutputStream();
          ByteArrayOutputStream frame = new ByteArrayOutputStream();
          boolean inFrame = false;
          int b;
          while ((b = in.read()) >= 0) {
            if (b == 0x0B) {
              inFrame = true;
              frame.reset();
            } else if (b == 0x1C && inFrame) {
              in.read(); // CR
              inFrame = false;
              String msg = frame.toString(StandardCharsets.UTF_8);
              messages.add(msg);
              String controlId = msg.split("\r", 2)[0].split("\\|", -1)[9];
              String ack =
                  "MSH|^~\\&|APPLIANCE||SIM||20250301101500||ACK^R01^ACK|A"
                      + controlId
                      + "|P|2.6\rMSA|AA|"
                      + controlId
                      + "\r";
              o.write(0x0B);
              o.write(ack.getBytes(StandardCharsets.UTF_8));
              o.write(new byte[] {0x1C, 0x0D});
              o.flush();
            } else if (inFrame) {
              frame.write(b);
            }
          }
        } catch (IOException e) {
          return;
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
