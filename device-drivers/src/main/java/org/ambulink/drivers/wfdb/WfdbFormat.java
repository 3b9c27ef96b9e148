package org.ambulink.drivers.wfdb;

/**
 * The WFDB signal storage formats this reader decodes. Samples of signals sharing a file are
 * interleaved frame by frame; a format decodes the file's value stream, the reader splits it.
 */
enum WfdbFormat {
  /** 8-bit first differences; the header's initial value is where the sum starts. */
  DIFFERENCES_8(8, 8),
  /** 16-bit two's complement, little-endian. */
  AMPLITUDE_16(16, 16),
  /** 24-bit two's complement, little-endian. */
  AMPLITUDE_24(24, 24),
  /** 32-bit two's complement, little-endian. */
  AMPLITUDE_32(32, 32),
  /** 16-bit two's complement, big-endian. */
  AMPLITUDE_61(61, 16),
  /** 8-bit offset binary. */
  OFFSET_80(80, 8),
  /** 16-bit offset binary, little-endian. */
  OFFSET_160(160, 16),
  /** Two 12-bit two's complement values packed in three bytes. */
  PACKED_212(212, 12);

  private final int code;
  private final int bits;

  WfdbFormat(int code, int bits) {
    this.code = code;
    this.bits = bits;
  }

  int code() {
    return code;
  }

  /** The natural ADC resolution of the format. */
  int bits() {
    return bits;
  }

  static WfdbFormat of(int code, String where) throws WfdbFormatException {
    for (WfdbFormat f : values()) {
      if (f.code == code) {
        return f;
      }
    }
    throw new WfdbFormatException(
        where
            + ": signal format "
            + code
            + " is not supported (supported: 8, 16, 24, 32, 61, 80, 160, 212)");
  }

  /** Bytes that hold {@code values} consecutive values. */
  long bytesFor(long values) {
    return switch (this) {
      case DIFFERENCES_8, OFFSET_80 -> values;
      case AMPLITUDE_16, AMPLITUDE_61, OFFSET_160 -> 2 * values;
      case AMPLITUDE_24 -> 3 * values;
      case AMPLITUDE_32 -> 4 * values;
      case PACKED_212 -> values / 2 * 3 + (values % 2) * 2;
    };
  }

  /** Complete values held in {@code bytes} bytes. */
  long valuesIn(long bytes) {
    return switch (this) {
      case DIFFERENCES_8, OFFSET_80 -> bytes;
      case AMPLITUDE_16, AMPLITUDE_61, OFFSET_160 -> bytes / 2;
      case AMPLITUDE_24 -> bytes / 3;
      case AMPLITUDE_32 -> bytes / 4;
      case PACKED_212 -> bytes / 3 * 2 + (bytes % 3 >= 2 ? 1 : 0);
    };
  }

  /**
   * Decodes {@code out.length} values from the start of {@code data}, which must hold at least
   * {@link #bytesFor} of them. Format 8 yields the differences, not yet summed.
   */
  void decode(byte[] data, int[] out) {
    int n = out.length;
    switch (this) {
      case DIFFERENCES_8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = data[i];
        }
      }
      case OFFSET_80 -> {
        for (int i = 0; i < n; i++) {
          out[i] = (data[i] & 0xFF) - 128;
        }
      }
      case AMPLITUDE_16 -> {
        for (int i = 0, b = 0; i < n; i++, b += 2) {
          out[i] = (short) ((data[b] & 0xFF) | (data[b + 1] << 8));
        }
      }
      case AMPLITUDE_61 -> {
        for (int i = 0, b = 0; i < n; i++, b += 2) {
          out[i] = (short) ((data[b + 1] & 0xFF) | (data[b] << 8));
        }
      }
      case OFFSET_160 -> {
        for (int i = 0, b = 0; i < n; i++, b += 2) {
          out[i] = ((data[b] & 0xFF) | ((data[b + 1] & 0xFF) << 8)) - 32768;
        }
      }
      case AMPLITUDE_24 -> {
        for (int i = 0, b = 0; i < n; i++, b += 3) {
          out[i] = (data[b] & 0xFF) | ((data[b + 1] & 0xFF) << 8) | (data[b + 2] << 16);
        }
      }
      case AMPLITUDE_32 -> {
        for (int i = 0, b = 0; i < n; i++, b += 4) {
          out[i] =
              (data[b] & 0xFF)
                  | ((data[b + 1] & 0xFF) << 8)
                  | ((data[b + 2] & 0xFF) << 16)
                  | (data[b + 3] << 24);
        }
      }
      case PACKED_212 -> {
        for (int i = 0, b = 0; i < n; i += 2, b += 3) {
          int b1 = data[b + 1] & 0xFF;
          out[i] = signExtend12((data[b] & 0xFF) | ((b1 & 0x0F) << 8));
          if (i + 1 < n) {
            out[i + 1] = signExtend12((data[b + 2] & 0xFF) | ((b1 & 0xF0) << 4));
          }
        }
      }
      default -> throw new AssertionError(this);
    }
  }

  private static int signExtend12(int v) {
    return v >= 2048 ? v - 4096 : v;
  }
}
