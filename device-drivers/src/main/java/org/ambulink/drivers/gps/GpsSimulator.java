package org.ambulink.drivers.gps;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A simulated GPS receiver: sends a {@link RouteSimulator}'s fix for every simulated second as an
 * RMC and a GGA sentence, paced in real time or faster, so the appliance's GPS reader can be run
 * without a receiver or a vehicle. Once the route is driven it keeps reporting the parked vehicle,
 * as a real receiver would.
 */
public final class GpsSimulator {
  private final RouteSimulator route;
  private final NmeaSink sink;
  private final long tickNanos;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * @param speed simulated seconds per wall-clock second (1 = real time, 10 = ten times faster)
   */
  public GpsSimulator(RouteSimulator route, NmeaSink sink, double speed) {
    this.route = Objects.requireNonNull(route, "route");
    this.sink = Objects.requireNonNull(sink, "sink");
    if (!(speed > 0 && speed <= 1000)) {
      throw new IllegalArgumentException("speed " + speed + " is not within 0..1000");
    }
    this.tickNanos = Math.max(1, Math.round(1e9 / speed));
  }

  /**
   * Sends one fix per simulated second, starting at second 0, until {@link #stop()}, the duration
   * is over, or the sink fails.
   *
   * @param simulated how many simulated seconds to send, or null to go on until stopped
   * @return the number of fixes sent
   * @throws IOException when the sink failed (e.g. the cable was pulled)
   */
  public long run(Duration simulated) throws IOException, InterruptedException {
    long seconds = simulated == null ? Long.MAX_VALUE : simulated.toSeconds();
    long begin = System.nanoTime();
    long sent = 0;
    while (sent < seconds) {
      GpsFix fix = route.fixAt(Duration.ofSeconds(sent));
      for (String sentence : NmeaEncoder.sentences(fix)) {
        sink.send(sentence);
      }
      sent++;
      if (sent >= seconds) {
        break;
      }
      long wait = begin + sent * tickNanos - System.nanoTime();
      if (stopped.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
        break;
      }
    }
    return sent;
  }

  /** Makes {@link #run} return after the fix it is sending; callable from any thread. */
  public void stop() {
    stopped.countDown();
  }
}
