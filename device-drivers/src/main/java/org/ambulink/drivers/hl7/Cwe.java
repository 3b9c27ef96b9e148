package org.ambulink.drivers.hl7;

import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Type;

/**
 * A coded value (CWE/CE) as sent: identifier, text and coding system, the alternate triplet, and
 * the original text (CWE-9). Values are unescaped and trimmed, never null.
 */
record Cwe(
    String code,
    String text,
    String system,
    String altCode,
    String altText,
    String altSystem,
    String originalText) {

  static final Cwe EMPTY = new Cwe("", "", "", "", "", "", "");

  static Cwe of(Type t) {
    if (t instanceof Composite c) {
      Type[] parts = c.getComponents();
      return new Cwe(
          value(parts, 0),
          value(parts, 1),
          value(parts, 2),
          value(parts, 3),
          value(parts, 4),
          value(parts, 5),
          value(parts, 8));
    }
    if (t instanceof Primitive p) {
      return new Cwe(trim(p.getValue()), "", "", "", "", "", "");
    }
    return EMPTY;
  }

  /**
   * Reads the first repetition of a raw field (message delimiters, still escaped) as a coded value:
   * each component up to its first subcomponent, unescaped and trimmed. For a plain value (NM, ST)
   * the code is the value's first component.
   */
  static Cwe parse(String raw, Delimiters d) {
    if (raw.isEmpty()) {
      return EMPTY;
    }
    int repEnd = raw.indexOf(d.repetition());
    String rep = repEnd < 0 ? raw : raw.substring(0, repEnd);
    String[] c = new String[9];
    int from = 0;
    for (int i = 0; i < 9; i++) {
      if (from > rep.length()) {
        c[i] = "";
        continue;
      }
      int end = rep.indexOf(d.component(), from);
      if (end < 0) {
        end = rep.length();
      }
      String component = rep.substring(from, end);
      int sub = component.indexOf(d.subcomponent());
      if (sub >= 0) {
        component = component.substring(0, sub);
      }
      c[i] = Er7.unescape(component, d).trim();
      from = end + 1;
    }
    return new Cwe(c[0], c[1], c[2], c[3], c[4], c[5], c[8]);
  }

  boolean isEmpty() {
    return code.isEmpty() && text.isEmpty() && altCode.isEmpty() && altText.isEmpty();
  }

  /** The triplet as HL7 writes it, e.g. {@code 2000^HR^99MNDRY}: names a code, not a patient. */
  String describe() {
    String s = code + "^" + text + "^" + system;
    if (!altCode.isEmpty() || !altSystem.isEmpty()) {
      s += "^" + altCode + "^" + altText + "^" + altSystem;
    }
    return s;
  }

  static String value(Type[] parts, int i) {
    if (i < parts.length && parts[i] instanceof Primitive p) {
      return trim(p.getValue());
    }
    if (i < parts.length && parts[i] instanceof Composite c && c.getComponents().length > 0) {
      return value(c.getComponents(), 0);
    }
    return "";
  }

  static String trim(String s) {
    return s == null ? "" : s.trim();
  }
}
