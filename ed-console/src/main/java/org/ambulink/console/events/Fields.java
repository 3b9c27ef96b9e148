package org.ambulink.console.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;

/** Reads an event's fields, each failure naming the field and the value it had. */
final class Fields {
  static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private Fields() {}

  static String text(JsonNode node, String field, int maxLength, boolean required) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      if (required) {
        throw new BadEventException("'" + field + "' is missing");
      }
      return null;
    }
    if (!v.isString()) {
      throw new BadEventException("'" + field + "' must be text, was " + shown(v));
    }
    String s = v.stringValue();
    if (required && s.isBlank()) {
      throw new BadEventException("'" + field + "' is empty");
    }
    if (s.length() > maxLength) {
      throw new BadEventException(
          "'" + field + "' is longer than " + maxLength + " characters (" + s.length() + ")");
    }
    if (s.indexOf('\0') >= 0) {
      // PostgreSQL cannot store it in a text column: the whole batch would fail, again and again
      throw new BadEventException("'" + field + "' contains a NUL character (\\u0000)");
    }
    return s;
  }

  static Instant instant(JsonNode node, String field) {
    String s = text(node, field, 64, true);
    Instant t;
    try {
      t = Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new BadEventException("'" + field + "' is not an ISO-8601 instant: '" + s + "'");
    }
    // Instant reaches years PostgreSQL cannot store (the batch would fail with a 5xx forever)
    if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
      throw new BadEventException(
          "'" + field + "' is not between " + EARLIEST + " and " + LATEST + ": '" + s + "'");
    }
    return t;
  }

  static Integer integer(JsonNode node, String field, int min, int max) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
      throw new BadEventException(
          "'"
              + field
              + "' must be a whole number from "
              + min
              + " to "
              + max
              + ", was "
              + shown(v));
    }
    return v.asInt();
  }

  static Double number(JsonNode node, String field, double min, double max) {
    JsonNode v = node.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max || Double.isNaN(v.asDouble())) {
      throw new BadEventException(
          "'" + field + "' must be a number from " + min + " to " + max + ", was " + shown(v));
    }
    return v.asDouble();
  }

  /** A decimal given as text or as a JSON number, kept as text exactly as sent. */
  static String decimal(JsonNode node, String field) {
    JsonNode v = node.path(field);
    String s;
    if (v.isString()) {
      s = v.stringValue().trim();
    } else if (v.isNumber()) {
      s = v.decimalValue().toPlainString();
    } else {
      throw new BadEventException("'" + field + "' must be a decimal number, was " + shown(v));
    }
    try {
      new BigDecimal(s);
    } catch (NumberFormatException e) {
      throw new BadEventException(
          "'" + field + "' must be a decimal number, was '" + clip(s) + "'");
    }
    if (s.length() > 40) {
      throw new BadEventException("'" + field + "' has more than 40 characters");
    }
    return s;
  }

  static String shown(JsonNode v) {
    return v.isMissingNode() ? "missing" : clip(v.toString());
  }

  static String clip(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
