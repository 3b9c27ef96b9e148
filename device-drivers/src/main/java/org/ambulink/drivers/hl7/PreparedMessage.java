package org.ambulink.drivers.hl7;

/**
 * A normalised message made ready for HAPI. Each OBX gets its ordinal (1, 2, ...) written into
 * OBX-1, so rows can be matched to their raw text whatever set ids the device sent (often none),
 * and OBX-5 is cut out and kept aside, read by {@link ObxRow} itself. For NA/MA rows HAPI builds an
 * object per sample, which made a 12-lead chunk ten times slower to parse than the rest of the
 * message; for the others HAPI looks up a type class per row (logging each look-up at debug level).
 */
final class PreparedMessage {
  private final String hapiText;
  private final String[] rawValueTypes;
  private final String[] rawValues;
  private final int obxCount;
  private final Delimiters delimiters;

  private PreparedMessage(
      String hapiText,
      String[] rawValueTypes,
      String[] rawValues,
      int obxCount,
      Delimiters delimiters) {
    this.hapiText = hapiText;
    this.rawValueTypes = rawValueTypes;
    this.rawValues = rawValues;
    this.obxCount = obxCount;
    this.delimiters = delimiters;
  }

  /**
   * @param text a normalised message (segments separated by {@code \r}) starting with MSH
   */
  static PreparedMessage of(String text, Delimiters d) {
    StringBuilder out = new StringBuilder(text.length() / 4 + 256);
    String[] types = new String[16];
    String[] values = new String[16];
    int ordinal = 0;
    char f = d.field();
    int pos = 0;
    int n = text.length();
    while (pos < n) {
      int end = text.indexOf('\r', pos);
      if (end < 0) {
        end = n;
      }
      if (text.startsWith("OBX", pos) && (end == pos + 3 || text.charAt(pos + 3) == f)) {
        ordinal++;
        if (ordinal == types.length) {
          types = java.util.Arrays.copyOf(types, ordinal * 2);
          values = java.util.Arrays.copyOf(values, ordinal * 2);
        }
        // Field boundaries of OBX-1, OBX-2 and OBX-5 (start inclusive, end exclusive).
        int[] starts = new int[7];
        int[] ends = new int[7];
        int fieldStart = pos + 4;
        for (int k = 1; k <= 6; k++) {
          if (fieldStart > end) {
            starts[k] = end;
            ends[k] = end;
            continue;
          }
          int fe = text.indexOf(f, fieldStart);
          if (fe < 0 || fe > end) {
            fe = end;
          }
          starts[k] = fieldStart;
          ends[k] = fe;
          fieldStart = fe + 1;
        }
        types[ordinal] = text.substring(starts[2], ends[2]).trim();
        values[ordinal] = text.substring(starts[5], ends[5]);
        // OBX-1 replaced, OBX-2 .. OBX-4 unchanged, OBX-5 left empty, the rest unchanged.
        out.append("OBX").append(f).append(ordinal);
        if (starts[2] < end) {
          out.append(f).append(text, starts[2], ends[4]);
        }
        if (ends[4] < end) {
          out.append(f);
          if (ends[5] < end) {
            out.append(text, ends[5], end);
          }
        }
      } else {
        out.append(text, pos, end);
      }
      out.append('\r');
      pos = end + 1;
    }
    return new PreparedMessage(out.toString(), types, values, ordinal, d);
  }

  String hapiText() {
    return hapiText;
  }

  int obxCount() {
    return obxCount;
  }

  Delimiters delimiters() {
    return delimiters;
  }

  /** OBX-2 as the device sent it (HAPI fills in a default type when it is empty). */
  String rawValueType(int ordinal) {
    return ordinal >= 1 && ordinal <= obxCount ? rawValueTypes[ordinal] : "";
  }

  /** The raw OBX-5, in the message's delimiters and still escaped; "" when absent. */
  String rawValue(int ordinal) {
    return ordinal >= 1 && ordinal <= obxCount ? rawValues[ordinal] : "";
  }
}
