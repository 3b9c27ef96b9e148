package org.ambulink.drivers.wfdb;

import java.util.Objects;

/**
 * One annotation of a WFDB annotation file (e.g. a beat label in {@code 100.atr}): reference data
 * to score an R-peak detector against.
 *
 * @param sample the sample number the annotation points at
 * @param code the annotation type, e.g. 1 NORMAL, 5 PVC, 28 RHYTHM
 * @param subtype the subtype field (0 unless given)
 * @param channel the channel field (carried over from the previous annotation unless given)
 * @param number the num field (carried over from the previous annotation unless given)
 * @param aux the auxiliary text, e.g. {@code (N} for a rhythm change; empty when none
 */
public record WfdbAnnotation(
    long sample, int code, int subtype, int channel, int number, String aux) {

  // Mnemonics indexed by annotation code, as in the WFDB library's ecgcodes.h.
  private static final String[] MNEMONICS = {
    "", "N", "L", "R", "a", "V", "F", "J", "A", "S", "E", "j", "/", "Q", "~", "", "|", "", "s", "T",
    "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", "?", "!", "[", "]", "e", "n", "@", "x", "f",
    "(", ")", "r"
  };

  public WfdbAnnotation {
    aux = Objects.toString(aux, "");
  }

  /** The annotation's mnemonic ({@code N}, {@code V}, {@code +}...), or its code as text. */
  public String mnemonic() {
    return code >= 0 && code < MNEMONICS.length && !MNEMONICS[code].isEmpty()
        ? MNEMONICS[code]
        : String.valueOf(code);
  }

  /** Whether the annotation labels a QRS complex (a beat), as the WFDB library's isqrs does. */
  public boolean isBeat() {
    return isBeatCode(code);
  }

  /**
   * Whether {@code code} labels a beat: N, L, R, a, V, F, J, A, S, E, j, /, Q, B, r, e, n, f and
   * the learning label ?.
   */
  public static boolean isBeatCode(int code) {
    return (code >= 1 && code <= 13)
        || code == 25
        || code == 30
        || code == 34
        || code == 35
        || code == 38
        || code == 41;
  }
}
