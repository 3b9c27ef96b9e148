package org.ambulink.drivers.hl7;

import java.util.ArrayList;
import java.util.List;

/**
 * Raw ER7 text handling that does not need HAPI: line-ending normalisation, splitting, escaping and
 * re-encoding fields into the standard delimiters. Fast and lenient on purpose: it reads headers of
 * messages HAPI cannot parse, and writes the encoder's output.
 */
final class Er7 {
  private Er7() {}

  /**
   * Trims MLLP leftovers and whitespace around the message and turns {@code \n} and {@code \r\n}
   * into the {@code \r} segment terminator, dropping empty lines. The result ends without a
   * terminator.
   */
  static String normalize(String raw) {
    int start = 0;
    int end = raw.length();
    while (start < end && isJunk(raw.charAt(start))) {
      start++;
    }
    while (end > start && isJunk(raw.charAt(end - 1))) {
      end--;
    }
    boolean clean = true;
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '\n' || (c == '\r' && raw.charAt(i + 1) == '\r')) {
        clean = false;
        break;
      }
    }
    if (clean) {
      return raw.substring(start, end);
    }
    StringBuilder b = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '\r' || c == '\n') {
        if (b.length() > 0 && b.charAt(b.length() - 1) != '\r') {
          b.append('\r');
        }
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isJunk(char c) {
    return c <= ' ' || c == '\uFEFF' || c == 0x0B || c == 0x1C;
  }

  /** Splits on one character, keeping empty parts (unlike String.split, no regex, no trimming). */
  static List<String> split(String s, char sep) {
    List<String> out = new ArrayList<>();
    int from = 0;
    int at;
    while ((at = s.indexOf(sep, from)) >= 0) {
      out.add(s.substring(from, at));
      from = at + 1;
    }
    out.add(s.substring(from));
    return out;
  }

  /** Part {@code index} (0-based) of {@code s} split on {@code sep}, or "" when there is none. */
  static String part(String s, char sep, int index) {
    int from = 0;
    for (int i = 0; i < index; i++) {
      int at = s.indexOf(sep, from);
      if (at < 0) {
        return "";
      }
      from = at + 1;
    }
    int end = s.indexOf(sep, from);
    return end < 0 ? s.substring(from) : s.substring(from, end);
  }

  /**
   * Field {@code n} of a segment, numbered as HL7 does (for MSH, MSH-1 is the separator itself, so
   * MSH-n is the (n-1)-th part), or "" when absent.
   */
  static String field(String segment, Delimiters d, int n) {
    boolean msh = segment.startsWith("MSH");
    if (msh && n == 1) {
      return String.valueOf(d.field());
    }
    return part(segment, d.field(), msh ? n - 1 : n);
  }

  /**
   * Resolves the escape sequences for delimiters; other sequences are kept as they are (as HAPI).
   */
  static String unescape(String s, Delimiters d) {
    char e = d.escape();
    int at = s.indexOf(e);
    if (at < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == e && i + 2 < s.length() && s.charAt(i + 2) == e) {
        char r =
            switch (s.charAt(i + 1)) {
              case 'F' -> d.field();
              case 'S' -> d.component();
              case 'T' -> d.subcomponent();
              case 'R' -> d.repetition();
              case 'E' -> d.escape();
              default -> 0;
            };
        if (r != 0) {
          b.append(r);
          i += 3;
          continue;
        }
      }
      b.append(c);
      i++;
    }
    return b.toString();
  }

  /**
   * Escapes text for a field written with the standard delimiters. Line breaks become spaces: HAPI
   * (and many receivers) do not resolve hex escapes, so they would arrive as literal text.
   */
  static String escape(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r =
          switch (c) {
            case '|' -> "\\F\\";
            case '^' -> "\\S\\";
            case '&' -> "\\T\\";
            case '~' -> "\\R\\";
            case '\\' -> "\\E\\";
            case '\r', '\n' -> " ";
            default -> null;
          };
      if (r != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (r != null) {
          b.append(r);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }

  /** Appends {@code s} escaped for the standard delimiters. */
  static StringBuilder appendEscaped(StringBuilder b, String s) {
    return b.append(escape(s));
  }

  /**
   * Re-writes one field's raw text from the message's delimiters into the standard ones, escaping
   * standard delimiter characters that were plain data under the message's delimiters.
   */
  static String toStandard(String raw, Delimiters from) {
    if (from.isStandard()) {
      return raw;
    }
    StringBuilder b = new StringBuilder(raw.length() + 8);
    int i = 0;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c == from.escape()) {
        int close = raw.indexOf(from.escape(), i + 1);
        if (close > i) {
          b.append('\\').append(raw, i + 1, close).append('\\');
          i = close + 1;
          continue;
        }
        b.append("\\E\\");
      } else if (c == from.component()) {
        b.append('^');
      } else if (c == from.repetition()) {
        b.append('~');
      } else if (c == from.subcomponent()) {
        b.append('&');
      } else {
        switch (c) {
          case '|' -> b.append("\\F\\");
          case '^' -> b.append("\\S\\");
          case '~' -> b.append("\\R\\");
          case '&' -> b.append("\\T\\");
          case '\\' -> b.append("\\E\\");
          default -> b.append(c);
        }
      }
      i++;
    }
    return b.toString();
  }

  /** Makes a value safe to place verbatim into one field: no field separator, no line breaks. */
  static String sanitizeField(String s) {
    if (s.indexOf('|') < 0 && s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return s.replace("|", "\\F\\").replace('\r', ' ').replace('\n', ' ');
  }
}
