/**
 * MLLP framing ({@code 0x0B payload 0x1C 0x0D}): the envelope every HL7 v2 message from a monitor
 * arrives in, over TCP or serial. {@link org.ambulink.drivers.mllp.MllpDecoder} is the incremental,
 * memory-bounded decoder both transports share.
 */
package org.ambulink.drivers.mllp;
