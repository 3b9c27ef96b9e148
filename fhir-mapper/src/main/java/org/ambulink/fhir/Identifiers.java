package org.ambulink.fhir;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The identifier systems the handover uses, and how entries get their {@code urn:uuid:} full URLs
 * and {@code ifNoneExist} conditions. Every resource carries a stable identifier made from the
 * appliance's own ids, so posting the same bundle again creates nothing new; the full URL is a
 * name-based UUID of that identifier, so the same record always gives the same bundle.
 */
public final class Identifiers {
  /** Encounter: {@code applianceId/transportId}. */
  public static final String TRANSPORT = "urn:ambulink:transport";

  /**
   * Patient, the key used for {@code ifNoneExist}: {@code applianceId/transportId}, i.e. "the
   * patient of this transport". Temporary ids alone are short random codes and would, across years
   * of transports, eventually merge two unknown patients.
   */
  public static final String TRANSPORT_PATIENT = "urn:ambulink:transport-patient";

  /** Patient, for people: the temporary id the crew sees, e.g. {@code UNK-7K3QX2}. */
  public static final String TEMPORARY_PATIENT_ID = "urn:ambulink:temporary-patient-id";

  /** Observation: {@code applianceId/transportId/...}, see the README for the forms. */
  public static final String OBSERVATION = "urn:ambulink:observation";

  /** Device of a monitor: its equipment id (OBX-18 or MSH-3, often an EUI-64). */
  public static final String EQUIPMENT_ID = "urn:ambulink:equipment-id";

  /** Device of the appliance itself: the appliance id. */
  public static final String APPLIANCE_ID = "urn:ambulink:appliance-id";

  /** Location of the receiving emergency department: the configured destination id. */
  public static final String DESTINATION_ID = "urn:ambulink:destination-id";

  /**
   * Provenance has no identifier element in R4: its stable key is a {@code meta.tag} in this
   * system, {@code applianceId/transportId/provenance/<digest of its targets>}, and {@code
   * ifNoneExist} uses {@code _tag}.
   */
  public static final String PROVENANCE_TAG = "urn:ambulink:provenance";

  private Identifiers() {}

  /** {@code urn:uuid:} + the name-based (v3) UUID of type, system and value. */
  static String fullUrl(String resourceType, String system, String value) {
    String name = resourceType + "|" + system + "|" + value;
    return "urn:uuid:" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The {@code ifNoneExist} query of a token search, e.g. {@code identifier=urn:x|a/b}: the value's
   * FHIR search specials ({@code \ | , $}) escaped with a backslash, and then everything but
   * unreserved characters, {@code :} and {@code /} percent-encoded.
   */
  static String ifNoneExist(String parameter, String system, String value) {
    String escaped =
        value.replace("\\", "\\\\").replace("|", "\\|").replace(",", "\\,").replace("$", "\\$");
    return parameter + "=" + percentEncode(system) + "|" + percentEncode(escaped);
  }

  private static String percentEncode(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || "-._~:/".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
