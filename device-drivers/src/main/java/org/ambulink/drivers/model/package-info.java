/**
 * The device model: immutable records of what monitors send (numeric observations, waveform
 * segments, alarms) and who sent it. Every other module speaks in these types.
 */
package org.ambulink.drivers.model;
