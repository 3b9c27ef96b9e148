package org.ambulink.drivers.hl7;

import ca.uhn.hl7v2.model.v26.datatype.EI;
import ca.uhn.hl7v2.model.v26.datatype.IS;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One OBX as intake reads it, independent of HAPI: the fields PCD-01/-04 and WCM use, unescaped and
 * trimmed, plus the raw sample text of NA/MA rows and the OBR it belongs to.
 *
 * @param ordinal the position among the message's OBX segments, 1-based (set ids are unreliable)
 * @param valueType OBX-2 as sent, upper case; empty for device-tree header rows
 * @param id OBX-3
 * @param path OBX-4 containment path
 * @param value OBX-5 first component of the first repetition (NM, ST values)
 * @param valueCwe OBX-5 read as a coded value (CWE values)
 * @param rawArray raw OBX-5 of NA/MA rows in the message's delimiters, else null
 * @param unit OBX-6
 * @param flags OBX-8 repetitions (abnormal flags, PCD-04 priority and source kind, DEMO)
 * @param status OBX-11
 * @param time OBX-14 as sent
 * @param equipmentId OBX-18 entity identifier, else its universal id
 * @param obr the OBR above this row; null when the row came before any OBR
 */
record ObxRow(
    int ordinal,
    String valueType,
    Cwe id,
    String path,
    String value,
    Cwe valueCwe,
    String rawArray,
    Cwe unit,
    List<String> flags,
    String status,
    String time,
    String equipmentId,
    ObrContext obr) {

  /** The OBR a row sits under: its position, OBR-7 observation time and OBR-3 filler id. */
  record ObrContext(int ordinal, String time, String fillerId) {}

  static ObxRow of(OBX obx, PreparedMessage prepared, ObrContext obr) {
    int ordinal;
    try {
      ordinal = Integer.parseInt(Cwe.trim(obx.getObx1_SetIDOBX().getValue()));
    } catch (NumberFormatException e) {
      ordinal = -1;
    }
    String type = prepared.rawValueType(ordinal).toUpperCase(Locale.ROOT);
    String raw = prepared.rawValue(ordinal);
    boolean array = type.equals("NA") || type.equals("MA");
    Cwe valueCwe = array ? Cwe.EMPTY : Cwe.parse(raw, prepared.delimiters());
    List<String> flags = new ArrayList<>(2);
    for (IS f : obx.getObx8_AbnormalFlags()) {
      String s = Cwe.trim(f.getValue());
      if (!s.isEmpty()) {
        flags.add(s);
      }
    }
    String equipment = "";
    if (obx.getObx18_EquipmentInstanceIdentifierReps() > 0) {
      equipment = equipmentId(obx.getObx18_EquipmentInstanceIdentifier(0));
    }
    return new ObxRow(
        ordinal,
        type,
        Cwe.of(obx.getObx3_ObservationIdentifier()),
        Cwe.trim(obx.getObx4_ObservationSubID().getValue()),
        valueCwe.code(),
        valueCwe,
        array ? raw : null,
        Cwe.of(obx.getObx6_Units()),
        List.copyOf(flags),
        Cwe.trim(obx.getObx11_ObservationResultStatus().getValue()).toUpperCase(Locale.ROOT),
        Cwe.trim(obx.getObx14_DateTimeOfTheObservation().getValue()),
        equipment,
        obr);
  }

  /** EI-1 (entity identifier), else EI-3 (universal id): PCD devices put the EUI-64 in either. */
  static String equipmentId(EI ei) {
    String id = Cwe.trim(ei.getEi1_EntityIdentifier().getValue());
    return id.isEmpty() ? Cwe.trim(ei.getEi3_UniversalID().getValue()) : id;
  }

  /** {@code OBX[n]}: where a dropped item was, by position (set ids are often missing). */
  String location() {
    return "OBX[" + ordinal + "]";
  }

  String location(int field) {
    return "OBX[" + ordinal + "]-" + field;
  }

  /** A device-tree header row (MDS, VMD, channel): no value type and no value, status X. */
  boolean isHeader() {
    return valueType.isEmpty() && value.isEmpty() && rawArray == null;
  }

  /** An attribute facet of another row (e.g. MDC_ATTR_SAMP_RATE under a waveform). */
  boolean isFacet() {
    return id.text().toUpperCase(Locale.ROOT).startsWith("MDC_ATTR_")
        || id.altText().toUpperCase(Locale.ROOT).startsWith("MDC_ATTR_");
  }

  /** The OBX-4 path one level up ({@code 1.1.1.131330} for {@code 1.1.1.131330.1}), or "". */
  String parentPath() {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? "" : path.substring(0, dot);
  }

  boolean hasFlag(String flag) {
    for (String f : flags) {
      if (f.equalsIgnoreCase(flag)) {
        return true;
      }
    }
    return false;
  }

  /** Whether OBX-3 names this MDC term, by code or by reference id. */
  boolean is(int code, String refId) {
    return id.code().equals(Integer.toString(code))
        || id.text().equalsIgnoreCase(refId)
        || id.altText().equalsIgnoreCase(refId);
  }
}
