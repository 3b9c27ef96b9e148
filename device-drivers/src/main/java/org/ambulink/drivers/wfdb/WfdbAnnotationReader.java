package org.ambulink.drivers.wfdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads WFDB annotation files in MIT format (e.g. {@code 100.atr}), the reference beat labels an
 * R-peak detector is scored against.
 *
 * <p>The file is a sequence of 16-bit little-endian words, each a 6-bit type over a 10-bit field.
 * Type 0 with field 0 ends the file; SKIP (59) is followed by a 32-bit interval (high word first);
 * NUM (60), SUB (61) and CHN (62) set a field of the annotation before them; AUX (63) is followed
 * by field bytes of text, padded to an even count; any other type starts an annotation whose field
 * is the interval in samples since the previous one.
 */
public final class WfdbAnnotationReader {
  private static final int SKIP = 59;
  private static final int NUM = 60;
  private static final int SUB = 61;
  private static final int CHN = 62;
  private static final int AUX = 63;

  private WfdbAnnotationReader() {}

  /** Reads an annotation file. */
  public static List<WfdbAnnotation> read(Path file) throws IOException {
    return parse(Files.readAllBytes(file), file.toString());
  }

  /** Reads an annotation file from the classpath, e.g. {@code ecg/100.atr}. */
  public static List<WfdbAnnotation> read(String classpathResource) throws IOException {
    String name =
        classpathResource.startsWith("/") ? classpathResource.substring(1) : classpathResource;
    try (InputStream in = WfdbReader.openResource(name)) {
      return parse(in.readAllBytes(), "classpath:" + name);
    }
  }

  /**
   * Parses the bytes of an MIT-format annotation file.
   *
   * @param source named in error messages
   * @throws WfdbFormatException naming the source and byte offset when the file ends inside an
   *     annotation or an auxiliary text comes before any annotation
   */
  public static List<WfdbAnnotation> parse(byte[] data, String source) throws WfdbFormatException {
    List<WfdbAnnotation> out = new ArrayList<>();
    long time = 0;
    int channel = 0;
    int number = 0;
    // The annotation being built; modifier words after it adjust it.
    boolean open = false;
    long sample = 0;
    int code = 0;
    int subtype = 0;
    String aux = "";
    int pos = 0;
    boolean ended = false;
    while (pos + 1 < data.length) {
      int word = (data[pos] & 0xFF) | ((data[pos + 1] & 0xFF) << 8);
      int type = word >>> 10;
      int field = word & 0x3FF;
      int at = pos;
      pos += 2;
      if (type == 0 && field == 0) {
        ended = true;
        break;
      }
      switch (type) {
        case SKIP -> {
          if (pos + 4 > data.length) {
            throw new WfdbFormatException(
                source + ": file ends inside a SKIP interval at byte " + at);
          }
          int high = (data[pos] & 0xFF) | ((data[pos + 1] & 0xFF) << 8);
          int low = (data[pos + 2] & 0xFF) | ((data[pos + 3] & 0xFF) << 8);
          time += (high << 16) | low; // a signed 32-bit interval
          pos += 4;
        }
        case NUM, SUB, CHN, AUX -> {
          if (!open) {
            throw new WfdbFormatException(
                source
                    + ": modifier word of type "
                    + type
                    + " before any annotation at byte "
                    + at);
          }
          if (type == NUM) {
            number = field;
          } else if (type == SUB) {
            subtype = field;
          } else if (type == CHN) {
            channel = field;
          } else {
            if (pos + field > data.length) {
              throw new WfdbFormatException(
                  source + ": file ends inside a " + field + "-byte auxiliary text at byte " + at);
            }
            int len = 0;
            while (len < field && data[pos + len] != 0) {
              len++;
            }
            aux = new String(data, pos, len, StandardCharsets.ISO_8859_1);
            pos += field + (field & 1);
          }
        }
        default -> {
          if (open) {
            out.add(new WfdbAnnotation(sample, code, subtype, channel, number, aux));
          }
          time += field;
          open = true;
          sample = time;
          code = type;
          subtype = 0;
          aux = "";
        }
      }
    }
    if (!ended && pos < data.length) {
      throw new WfdbFormatException(
          source + ": odd length " + data.length + ", ends inside a word");
    }
    if (open) {
      out.add(new WfdbAnnotation(sample, code, subtype, channel, number, aux));
    }
    return out;
  }
}
