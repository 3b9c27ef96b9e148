/**
 * The compact binary ECG frame of the live data channel (see {@code docs/ecg-frames.md}): {@link
 * org.ambulink.drivers.ecgframe.EcgFrame} and {@link org.ambulink.drivers.ecgframe.EcgFrameCodec}.
 */
package org.ambulink.drivers.ecgframe;
