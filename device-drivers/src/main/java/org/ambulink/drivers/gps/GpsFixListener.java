package org.ambulink.drivers.gps;

/**
 * Receives each updated {@link GpsFix} from a {@link SerialNmeaReader}: one per RMC or GGA
 * sentence, so usually two per second, the second refining the first with the same time. Called on
 * the reader's thread; must return quickly and must not log the position.
 */
@FunctionalInterface
public interface GpsFixListener {
  GpsFixListener NONE = fix -> {};

  void onFix(GpsFix fix);
}
