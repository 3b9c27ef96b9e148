package org.ambulink.console.signal;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Parsing and checking of signaling messages. Reasons name the bad value (ids, types, numbers), but
 * never the contents of an SDP or a candidate: those only by their JSON kind.
 */
final class SignalMessages {
  static final JsonMapper JSON = JsonMapper.builder().build();

  /** Longest value quoted in a reason. */
  private static final int QUOTED_MAX = 100;

  private SignalMessages() {}

  /** A message the sender may not send, with the reason it is told. */
  static final class Bad extends Exception {
    Bad(String reason) {
      super(reason, null, false, false);
    }

    String reason() {
      return getMessage();
    }
  }

  static ObjectNode parse(String text) throws Bad {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JacksonException e) {
      String why =
          e.getOriginalMessage() == null
              ? ""
              : e.getOriginalMessage().lines().findFirst().orElse("");
      throw new Bad("not valid JSON: " + truncate(why, 160));
    }
    if (node == null || node.isMissingNode()) {
      throw new Bad("an empty message: send one JSON object");
    }
    if (!node.isObject()) {
      throw new Bad("a message must be a JSON object, not " + kind(node));
    }
    return (ObjectNode) node;
  }

  static String type(ObjectNode m) throws Bad {
    JsonNode t = m.get("type");
    if (t == null) {
      throw new Bad("missing 'type'");
    }
    if (!t.isString()) {
      throw new Bad("'type' must be a string, not " + value(t));
    }
    return t.asString();
  }

  /** An id field: a non-empty string, quoted in reasons. */
  static String id(ObjectNode m, String field) throws Bad {
    JsonNode v = m.get(field);
    if (v == null) {
      throw new Bad("missing '" + field + "'");
    }
    if (!v.isString()) {
      throw new Bad("'" + field + "' must be a string, not " + value(v));
    }
    if (v.asString().isEmpty()) {
      throw new Bad("'" + field + "' must not be empty");
    }
    return v.asString();
  }

  /** An SDP: a non-empty string whose contents no reason shows. */
  static void sdp(ObjectNode m) throws Bad {
    JsonNode v = m.get("sdp");
    if (v == null) {
      throw new Bad("missing 'sdp'");
    }
    if (!v.isString()) {
      throw new Bad("'sdp' must be a string, not " + kind(v));
    }
    if (v.asString().isEmpty()) {
      throw new Bad("'sdp' must not be empty");
    }
  }

  /** A string field that may be empty (the reason of a bye). */
  static void text(ObjectNode m, String field) throws Bad {
    JsonNode v = m.get(field);
    if (v == null) {
      throw new Bad("missing '" + field + "'");
    }
    if (!v.isString()) {
      throw new Bad("'" + field + "' must be a string, not " + value(v));
    }
  }

  /**
   * An ICE candidate as {@code RTCIceCandidate.toJSON()} gives it: {@code candidate} a string
   * (empty for the end of candidates), {@code sdpMid} a string or null, {@code sdpMLineIndex} a
   * non-negative integer or null, {@code usernameFragment} a string or null.
   */
  static void candidate(ObjectNode m) throws Bad {
    JsonNode c = m.get("candidate");
    if (c == null) {
      throw new Bad("missing 'candidate'");
    }
    if (!c.isObject()) {
      throw new Bad("'candidate' must be an object, not " + kind(c));
    }
    JsonNode line = c.get("candidate");
    if (line == null) {
      throw new Bad("missing 'candidate.candidate'");
    }
    if (!line.isString()) {
      throw new Bad("'candidate.candidate' must be a string, not " + kind(line));
    }
    for (String field : new String[] {"sdpMid", "usernameFragment"}) {
      JsonNode v = c.get(field);
      if (v != null && !v.isNull() && !v.isString()) {
        throw new Bad("'candidate." + field + "' must be a string or null, not " + kind(v));
      }
    }
    JsonNode index = c.get("sdpMLineIndex");
    if (index != null
        && !index.isNull()
        && !(index.isIntegralNumber()
            && index.canConvertToInt()
            && index.intValue() >= 0
            && index.intValue() <= 65_535)) {
      throw new Bad(
          "'candidate.sdpMLineIndex' must be an integer from 0 to 65535 or null, not "
              + value(index));
    }
  }

  static String error(String reason) {
    ObjectNode e = JSON.createObjectNode();
    e.put("type", "error");
    e.put("reason", reason);
    return JSON.writeValueAsString(e);
  }

  static String write(JsonNode node) {
    return JSON.writeValueAsString(node);
  }

  /** A value for a reason: strings quoted and shortened, numbers and literals as they are. */
  static String value(JsonNode v) {
    if (v.isString()) {
      return quote(v.asString());
    }
    if (v.isNumber() || v.isBoolean() || v.isNull()) {
      return truncate(v.toString(), QUOTED_MAX);
    }
    return kind(v);
  }

  /** {@code 'text'}, shortened to 100 characters, control characters escaped. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("'");
    String t = truncate(s, QUOTED_MAX);
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('\'').toString();
  }

  static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
