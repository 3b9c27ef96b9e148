package org.ambulink.drivers.sim;

import java.util.Objects;
import org.ambulink.drivers.model.MonitorMessage;

/**
 * One message of the simulated monitor and which replayed samples it carries, so a test can check
 * them against the record bit for bit.
 *
 * @param message the message as a monitor would send it
 * @param index the chunk number, from 0
 * @param firstSample the index of the chunk's first sample in the endless output stream
 * @param sampleCount samples per lead in this chunk
 * @param loopPosition the index of the first sample within the replayed (resampled) record, which
 *     the simulator loops: {@code firstSample % loopLength}
 */
public record SimulatedChunk(
    MonitorMessage message, long index, long firstSample, int sampleCount, int loopPosition) {
  public SimulatedChunk {
    Objects.requireNonNull(message, "message");
  }
}
