package org.ambulink.drivers.hl7;

import java.util.Objects;

/**
 * What a peer's acknowledgement said, so a sender can tell "kept" from "fix it" from "rejected".
 *
 * @param code MSA-1 (commit-mode CA/CE/CR are read as AA/AE/AR)
 * @param controlId MSA-2, the control id of the message being acknowledged
 * @param text the reason given in MSA-3, else ERR-8, else ERR-7, else the text of ERR-3; empty when
 *     none
 */
public record AckResult(AckCode code, String controlId, String text) {
  public AckResult {
    Objects.requireNonNull(code, "code");
    controlId = Objects.toString(controlId, "");
    text = Objects.toString(text, "");
  }
}
