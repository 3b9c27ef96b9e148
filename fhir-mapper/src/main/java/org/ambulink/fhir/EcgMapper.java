package org.ambulink.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.WaveformSegment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Period;

/**
 * ECG strips to Observations: one per lead with the samples as SampledData (code: the MDC lead, no
 * LOINC), grouped by a strip Observation (code 131328 MDC_ECG_ELEC_POTL) whose {@code hasMember}
 * lists the leads. Category {@code procedure}, as in the R4 ECG example.
 */
final class EcgMapper {
  static final String STRIP_KIND = "Observation/ecg-strip";
  static final String LEAD_KIND = "Observation/ecg-lead";

  private final MappingContext ctx;

  EcgMapper(MappingContext ctx) {
    this.ctx = ctx;
  }

  List<Unit> map(List<EcgStrip> strips) {
    return strips.stream().map(this::unit).toList();
  }

  private Unit unit(EcgStrip strip) {
    String device = strip.deviceId().isEmpty() ? "-" : strip.deviceId();
    long startMillis = strip.start().toEpochMilli();
    List<Entry> entries = new ArrayList<>();
    Observation panel =
        Observations.about(ctx, ObservationStatus.FINAL, procedure(), strip.deviceId());
    panel.setCode(
        new CodeableConcept()
            .addCoding(Fhir.mdc(EcgLeads.ELEC_POTL))
            .setText("ECG strip, " + leadCount(strip) + " (" + strip.reason().text() + ")"));
    panel.setMethod(new CodeableConcept().setText("ECG strip " + strip.reason().text()));
    Instant end = strip.start();
    Instant begin = null;
    List<Entry> leads = new ArrayList<>();
    for (WaveformSegment lead : strip.leads()) {
      MdcCode code = canonical(lead.lead());
      Observation o =
          Observations.about(ctx, ObservationStatus.FINAL, procedure(), lead.deviceId());
      o.setCode(
          new CodeableConcept()
              .addCoding(Fhir.mdc(code))
              .setText("ECG lead " + EcgLeads.displayName(code)));
      o.setEffective(
          new Period()
              .setStartElement(Fhir.dateTime(lead.startTime()))
              .setEndElement(Fhir.dateTime(lead.endTime())));
      o.setValue(SampledDataCodec.encode(lead));
      String id = ctx.itemId(device, "ecg", startMillis, code.code());
      Entry entry = Observations.entry(o, id, LEAD_KIND);
      leads.add(entry);
      panel.addHasMember(Fhir.ref(entry.fullUrl()));
      begin = begin == null || lead.startTime().isBefore(begin) ? lead.startTime() : begin;
      end = lead.endTime().isAfter(end) ? lead.endTime() : end;
    }
    panel.setEffective(
        new Period().setStartElement(Fhir.dateTime(begin)).setEndElement(Fhir.dateTime(end)));
    entries.add(Observations.entry(panel, ctx.itemId(device, "ecg", startMillis), STRIP_KIND));
    entries.addAll(leads);
    return new Unit(strip.start(), entries);
  }

  private static String leadCount(EcgStrip strip) {
    int n = strip.leads().size();
    return n == 1 ? "1 lead" : n + " leads";
  }

  /** Our term for a lead code: devices disagree on reference ids, not on numbers. */
  private static MdcCode canonical(MdcCode lead) {
    return EcgLeads.TWELVE_LEAD.stream().filter(l -> l.sameCode(lead)).findFirst().orElse(lead);
  }

  private static CodeableConcept procedure() {
    return Fhir.category("procedure", "Procedure");
  }
}
