package org.ambulink.fhir;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;
import org.ambulink.fhir.MappingReport.SkipReason;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;

/**
 * Numeric observations to vital-sign Observations: one per value, except NIBP, whose systolic,
 * diastolic and mean values of the same device and time become one blood-pressure panel. Demo
 * values, values the device could not obtain, sentinels, unmapped metrics and unexpected units are
 * left out and reported.
 */
final class VitalsMapper {
  private static final String DATA_ABSENT_REASON =
      "http://terminology.hl7.org/CodeSystem/data-absent-reason";

  private final MappingContext ctx;
  private final MappingReport.Builder report;

  VitalsMapper(MappingContext ctx, MappingReport.Builder report) {
    this.ctx = ctx;
    this.report = report;
  }

  private record BpKey(String deviceId, Instant at) {}

  List<Unit> map(List<NumericObservation> vitals) {
    List<Unit> units = new ArrayList<>();
    Map<BpKey, EnumMap<BloodPressure, NumericObservation>> pressures = new LinkedHashMap<>();
    for (NumericObservation n : vitals) {
      if (!usable(n)) {
        continue;
      }
      Optional<BloodPressure.Part> part = BloodPressure.of(n.metric());
      if (part.isPresent()) {
        if (unitIs(n, BloodPressure.MMHG)) {
          EnumMap<BloodPressure, NumericObservation> group =
              pressures.computeIfAbsent(
                  new BpKey(n.deviceId(), n.observedAt()), k -> new EnumMap<>(BloodPressure.class));
          if (group.putIfAbsent(part.get().part(), n) != null) {
            skip(SkipReason.DUPLICATE, n, "a second " + part.get().part() + " value");
          }
        }
        continue;
      }
      Optional<VitalSign> sign = VitalSign.of(n.metric());
      if (sign.isEmpty()) {
        skip(SkipReason.UNMAPPED_METRIC, n, "");
      } else if (unitIs(n, sign.get().mdcUnit())) {
        units.add(single(sign.get(), n));
      }
    }
    for (Map.Entry<BpKey, EnumMap<BloodPressure, NumericObservation>> e : pressures.entrySet()) {
      EnumMap<BloodPressure, NumericObservation> group = e.getValue();
      if (group.containsKey(BloodPressure.SYSTOLIC) || group.containsKey(BloodPressure.DIASTOLIC)) {
        units.add(panel(e.getKey(), group));
      } else {
        group.values().forEach(n -> skip(SkipReason.BP_INCOMPLETE, n, ""));
      }
    }
    return units;
  }

  /** Whether a value is patient data at all; reports it when not. */
  private boolean usable(NumericObservation n) {
    if (n.demo()) {
      skip(SkipReason.DEMO, n, "");
      return false;
    }
    if (n.status() == ResultStatus.CANNOT_OBTAIN) {
      skip(SkipReason.CANNOT_OBTAIN, n, "");
      return false;
    }
    if (isSentinel(n.value())) {
      skip(SkipReason.SENTINEL, n, "");
      return false;
    }
    return true;
  }

  private boolean unitIs(NumericObservation n, MdcCode expected) {
    if (n.unit().sameCode(expected)) {
      return true;
    }
    skip(SkipReason.UNIT_MISMATCH, n, "unit " + label(n.unit()) + ", expected " + label(expected));
    return false;
  }

  /**
   * A "no value" sentinel: a negative number made only of nines, at least two ({@code -99}, {@code
   * -999}, {@code -999.0}), the rule intake applies to the text of OBX-5.
   */
  static boolean isSentinel(BigDecimal value) {
    if (value.signum() >= 0) {
      return false;
    }
    BigDecimal magnitude = value.negate().stripTrailingZeros();
    if (magnitude.scale() > 0) {
      return false;
    }
    String digits = magnitude.toPlainString();
    return digits.length() >= 2 && digits.chars().allMatch(c -> c == '9');
  }

  private Unit single(VitalSign sign, NumericObservation n) {
    Observation o =
        Observations.about(
            ctx, Observations.status(n.status()), Observations.vitalSignsCategory(), n.deviceId());
    if (sign.profile() != null) {
      o.getMeta().addProfile(sign.profile());
    }
    CodeableConcept code = new CodeableConcept();
    sign.loinc().forEach(l -> code.addCoding(Fhir.loinc(l)));
    code.addCoding(Fhir.mdc(sign.metric(n.metric()).orElseThrow()));
    code.setText(sign.loinc().get(0).display());
    o.setCode(code);
    o.setEffective(Fhir.dateTime(n.observedAt()));
    o.setValue(Fhir.quantity(n.value(), sign.ucum(), sign.unitText()));
    String id = ctx.itemId(device(n.deviceId()), n.metric().code(), n.observedAt().toEpochMilli());
    return new Unit(
        n.observedAt(), List.of(Observations.entry(o, id, "Observation/" + sign.kind())));
  }

  private Unit panel(BpKey key, EnumMap<BloodPressure, NumericObservation> group) {
    Observation o =
        Observations.about(
            ctx, panelStatus(group), Observations.vitalSignsCategory(), key.deviceId());
    o.getMeta().addProfile(BloodPressure.PROFILE);
    o.setCode(
        new CodeableConcept().addCoding(Fhir.loinc(BloodPressure.PANEL)).setText("Blood pressure"));
    o.setEffective(Fhir.dateTime(key.at()));
    for (BloodPressure part : BloodPressure.values()) {
      NumericObservation n = group.get(part);
      if (n == null && part == BloodPressure.MEAN) {
        continue;
      }
      ObservationComponentComponent c = o.addComponent();
      CodeableConcept code = new CodeableConcept().addCoding(Fhir.loinc(part.loinc()));
      code.setText(part.loinc().display());
      c.setCode(code);
      if (n == null) {
        // The profile requires both systolic and diastolic: say this one was not measured.
        c.setDataAbsentReason(
            new CodeableConcept()
                .addCoding(
                    new Coding()
                        .setSystem(DATA_ABSENT_REASON)
                        .setCode("unknown")
                        .setDisplay("Unknown")));
      } else {
        code.addCoding(Fhir.mdc(BloodPressure.of(n.metric()).orElseThrow().metric()));
        c.setValue(Fhir.quantity(n.value(), BloodPressure.UCUM, BloodPressure.UNIT_TEXT));
      }
    }
    String id = ctx.itemId(device(key.deviceId()), "nibp", key.at().toEpochMilli());
    return new Unit(
        key.at(), List.of(Observations.entry(o, id, "Observation/" + BloodPressure.KIND)));
  }

  /** Amended if any part was corrected, else preliminary if any part is, else final. */
  private static ObservationStatus panelStatus(EnumMap<BloodPressure, NumericObservation> group) {
    boolean corrected = false;
    boolean preliminary = false;
    for (NumericObservation n : group.values()) {
      corrected |= n.status() == ResultStatus.CORRECTED;
      preliminary |= n.status() == ResultStatus.PRELIMINARY;
    }
    return corrected
        ? ObservationStatus.AMENDED
        : preliminary ? ObservationStatus.PRELIMINARY : ObservationStatus.FINAL;
  }

  private void skip(SkipReason reason, NumericObservation n, String detail) {
    report.skip(reason, label(n.metric()), n.deviceId(), n.observedAt(), detail);
  }

  private static String device(String deviceId) {
    return deviceId.isEmpty() ? "-" : deviceId;
  }

  static String label(MdcCode code) {
    return code.refId().isEmpty() ? String.valueOf(code.code()) : code.code() + " " + code.refId();
  }
}
