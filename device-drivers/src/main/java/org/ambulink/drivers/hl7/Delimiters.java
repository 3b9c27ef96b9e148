package org.ambulink.drivers.hl7;

/**
 * The ER7 delimiters of one message (MSH-1 and MSH-2). Messages usually use {@code |^~\&}, but the
 * standard lets the sender choose, so everything that reads raw text goes through this.
 */
record Delimiters(char field, char component, char repetition, char escape, char subcomponent) {
  static final Delimiters STANDARD = new Delimiters('|', '^', '~', '\\', '&');

  /**
   * Reads the delimiters of an MSH segment strictly: a field separator and four distinct encoding
   * characters, none of them a letter, digit, space or line break.
   *
   * @throws IllegalArgumentException with a sentence naming the bad characters
   */
  static Delimiters strict(String msh) {
    if (msh.length() < 4) {
      throw new IllegalArgumentException(
          "The MSH segment is cut off before its field separator (MSH-1).");
    }
    char f = msh.charAt(3);
    int end = msh.indexOf(f, 4);
    String enc = end < 0 ? msh.substring(4) : msh.substring(4, end);
    if (!isDelimiter(f)) {
      throw new IllegalArgumentException(
          "MSH-1 field separator '" + printable(f) + "' is not a usable delimiter.");
    }
    if (enc.length() < 4) {
      throw new IllegalArgumentException(
          "MSH-2 encoding characters '"
              + printable(enc)
              + "' are incomplete: four are needed (component, repetition, escape, subcomponent),"
              + " e.g. ^~\\&.");
    }
    String four = enc.substring(0, 4);
    for (int i = 0; i < 4; i++) {
      char c = four.charAt(i);
      if (!isDelimiter(c) || c == f || four.indexOf(c) != i) {
        throw new IllegalArgumentException(
            "MSH-2 encoding characters '"
                + printable(enc)
                + "' are broken: they must be four distinct punctuation characters other than the"
                + " field separator, e.g. ^~\\&.");
      }
    }
    return new Delimiters(f, four.charAt(0), four.charAt(1), four.charAt(2), four.charAt(3));
  }

  /**
   * Reads the delimiters of an MSH segment as well as it can, falling back to the standard ones for
   * anything missing or unusable. For reading a header out of a message that may be broken.
   */
  static Delimiters lenient(String msh) {
    try {
      return strict(msh);
    } catch (IllegalArgumentException e) {
      char f = msh.length() > 3 ? msh.charAt(3) : '|';
      int end = msh.indexOf(f, 4);
      String enc = msh.length() <= 4 ? "" : end < 0 ? msh.substring(4) : msh.substring(4, end);
      char c = pick(enc, 0, '^', f);
      char r = pick(enc, 1, '~', f);
      char e2 = pick(enc, 2, '\\', f);
      char s = pick(enc, 3, '&', f);
      return new Delimiters(f, c, r, e2, s);
    }
  }

  boolean isStandard() {
    return equals(STANDARD);
  }

  private static char pick(String enc, int i, char fallback, char field) {
    if (enc.length() > i) {
      char c = enc.charAt(i);
      if (isDelimiter(c) && c != field && enc.indexOf(c) == i) {
        return c;
      }
    }
    return fallback;
  }

  private static boolean isDelimiter(char c) {
    return c > ' ' && c < 0x7f && !Character.isLetterOrDigit(c);
  }

  private static String printable(CharSequence s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 8; i++) {
      b.append(printable(s.charAt(i)));
    }
    return b.toString();
  }

  private static String printable(char c) {
    return c >= ' ' && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }
}
