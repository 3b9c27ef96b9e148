/**
 * HL7 v2 codec for patient monitors: decodes IHE PCD-01 vitals, WCM waveforms (ORU^R01, ORU^W01)
 * and PCD-04 alarms (ORU^R40) into the device model, tolerating and reporting what real devices get
 * wrong; encodes the model back into PCD-01/PCD-04 messages; builds and reads acknowledgements.
 *
 * <p>Entry points: {@link org.ambulink.drivers.hl7.Hl7Decoder}, {@link
 * org.ambulink.drivers.hl7.Hl7Encoder}, {@link org.ambulink.drivers.hl7.Hl7Acks} and {@link
 * org.ambulink.drivers.hl7.MessageHeader#peek}. Nothing here logs message content.
 */
package org.ambulink.drivers.hl7;
