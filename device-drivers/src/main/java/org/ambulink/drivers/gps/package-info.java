/**
 * The ambulance's position: an NMEA 0183 GPS receiver read over a serial port ({@link
 * org.ambulink.drivers.gps.SerialNmeaReader}), its RMC and GGA sentences parsed and merged into
 * {@link org.ambulink.drivers.gps.GpsFix}es ({@link org.ambulink.drivers.gps.NmeaParser}, {@link
 * org.ambulink.drivers.gps.GpsTracker}), the distance and ETA to the receiving ED ({@link
 * org.ambulink.drivers.gps.Geo}, {@link org.ambulink.drivers.gps.EtaEstimator}), and a simulated
 * vehicle that drives a route and talks NMEA like a receiver would ({@link
 * org.ambulink.drivers.gps.RouteSimulator}, {@link org.ambulink.drivers.gps.GpsSimulatorMain}).
 *
 * <p>The ambulance's position reveals where a patient lives: log counts and reasons, never
 * positions or sentence contents.
 */
package org.ambulink.drivers.gps;
