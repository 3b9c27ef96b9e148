/**
 * The simulated patient monitor: replays a real WFDB ECG record at a chosen sample rate, derives
 * the heart rate from it with an R-peak detector, adds plausible drifting vital signs, and sends it
 * all as HL7 over MLLP the way a monitor in the ambulance would.
 */
package org.ambulink.drivers.sim;
