package org.ambulink.drivers.hl7;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.DroppedItem;
import org.ambulink.drivers.model.MdcCode;

/**
 * What the extractors of one message share: the sending device, the message time, the zone for
 * timestamps without offset, and the list of what was dropped and why.
 */
final class DecodeContext {
  private final DeviceIdentity device;
  private final Instant messageTime;
  private final ZoneId zone;
  private final List<DroppedItem> dropped = new ArrayList<>();
  private final Map<Integer, Instant> obrTimes = new HashMap<>();

  DecodeContext(DeviceIdentity device, Instant messageTime, ZoneId zone) {
    this.device = device;
    this.messageTime = messageTime;
    this.zone = zone;
  }

  List<DroppedItem> dropped() {
    return dropped;
  }

  void drop(String location, String reason, String detail) {
    dropped.add(new DroppedItem(location, reason, detail));
  }

  /** OBX-18 of the row, else the message's device. */
  String deviceId(ObxRow row) {
    return row.equipmentId().isEmpty() ? device.equipmentId() : row.equipmentId();
  }

  /**
   * When the row's data was observed: OBX-14, else OBR-7, else MSH-7. Returns null, after recording
   * the row as dropped, when OBX-14 is present but not a timestamp.
   */
  Instant timeOf(ObxRow row, String what) {
    if (!row.time().isEmpty()) {
      try {
        return Hl7Time.parse(row.time(), zone);
      } catch (IllegalArgumentException e) {
        drop(
            row.location(14),
            "bad-timestamp",
            what
                + " dropped: OBX-14 '"
                + row.time()
                + "' is not an HL7 timestamp (YYYYMMDDHHMMSS[.SSSS][+/-ZZZZ]).");
        return null;
      }
    }
    return obrTime(row.obr());
  }

  private Instant obrTime(ObxRow.ObrContext obr) {
    if (obr == null || obr.time().isEmpty()) {
      return messageTime;
    }
    return obrTimes.computeIfAbsent(
        obr.ordinal(),
        k -> {
          try {
            return Hl7Time.parse(obr.time(), zone);
          } catch (IllegalArgumentException e) {
            drop(
                "OBR[" + k + "]-7",
                "bad-timestamp",
                "OBR-7 '"
                    + obr.time()
                    + "' is not an HL7 timestamp; the message time was used for its rows.");
            return messageTime;
          }
        });
  }

  /** A short, patient-free name of a row's OBX-3 for details, e.g. {@code 150456 MDC_TEMP}. */
  static String name(ObxRow row) {
    String c = row.id().code();
    String t = row.id().text();
    return t.isEmpty() ? c : c.isEmpty() ? t : c + " " + t;
  }

  /**
   * The MDC term of a coded field, or null after recording the row as dropped: {@code vendor-code}
   * for a private coding system, {@code bad-code} for a non-numeric MDC code, {@code no-unit} or
   * {@code no-code} when the field is empty.
   */
  MdcCode codeOrDrop(ObxRow row, int field, Cwe code, String what) {
    MdcTerms.Resolution r = MdcTerms.resolve(code);
    if (r.ok()) {
      return r.code();
    }
    String where = "OBX-" + field + " " + what;
    switch (r.problem()) {
      case VENDOR ->
          drop(
              row.location(field),
              "vendor-code",
              where + " '" + code.describe() + "' is a vendor-private code, not MDC.");
      case BAD_CODE ->
          drop(
              row.location(field),
              "bad-code",
              where + " '" + code.describe() + "' claims MDC but its code is not a number.");
      default ->
          drop(
              row.location(field),
              field == 6 ? "no-unit" : "no-code",
              where + " is missing for " + name(row) + ".");
    }
    return null;
  }
}
