package org.ambulink.fhir;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.ambulink.drivers.model.EcgLeads;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * A short multi-lead ECG recording (normally 10 s of 12 leads) captured for the handover: each lead
 * is one contiguous {@link WaveformSegment}. Cut it from the journal with {@link EcgStrips#cut}.
 *
 * @param reason why it was captured
 * @param start the requested start; each lead starts at its sample nearest to it
 * @param leads one segment per lead, standard leads only, no lead twice, in millivolts; kept in
 *     12-lead display order (I, II, III, aVR, aVL, aVF, V1..V6)
 */
public record EcgStrip(Reason reason, Instant start, List<WaveformSegment> leads) {

  /** Why a strip was captured. */
  public enum Reason {
    TRANSPORT_START("at transport start"),
    PERIODIC("periodic, every 5 minutes"),
    ALARM("at an alarm"),
    CREW_CAPTURE("captured by the crew"),
    BEFORE_HANDOVER("the last 10 seconds before handover");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    /** A phrase for people, e.g. {@code at an alarm}. */
    public String text() {
      return text;
    }
  }

  /**
   * @throws IllegalArgumentException naming the lead when a lead is not one of the 12 standard
   *     leads, appears twice, is empty or is not in millivolts
   */
  public EcgStrip {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(leads, "leads");
    if (leads.isEmpty()) {
      throw new IllegalArgumentException("an ECG strip needs at least one lead");
    }
    Set<Integer> seen = new HashSet<>();
    for (WaveformSegment lead : leads) {
      Objects.requireNonNull(lead, "lead");
      if (EcgLeads.TWELVE_LEAD.stream().noneMatch(l -> l.sameCode(lead.lead()))) {
        throw new IllegalArgumentException(
            "ECG strip lead "
                + lead.lead()
                + " is not one of the 12 standard leads (MDC "
                + EcgLeads.TWELVE_LEAD.stream().map(l -> String.valueOf(l.code())).toList()
                + ")");
      }
      if (!seen.add(lead.lead().code())) {
        throw new IllegalArgumentException("ECG strip has lead " + lead.lead() + " twice");
      }
      if (lead.sampleCount() == 0) {
        throw new IllegalArgumentException("ECG strip lead " + lead.lead() + " has no samples");
      }
      if (!lead.unit().sameCode(WaveformSegment.MILLIVOLT)) {
        throw new IllegalArgumentException(
            "ECG strip lead "
                + lead.lead()
                + " is in unit "
                + lead.unit()
                + "; only "
                + WaveformSegment.MILLIVOLT
                + " is mapped");
      }
    }
    List<WaveformSegment> sorted = new ArrayList<>(leads);
    sorted.sort(Comparator.comparingInt(s -> displayIndex(s.lead())));
    leads = List.copyOf(sorted);
  }

  /** The equipment id of the device that recorded the first lead. */
  public String deviceId() {
    return leads.get(0).deviceId();
  }

  private static int displayIndex(MdcCode lead) {
    for (int i = 0; i < EcgLeads.TWELVE_LEAD.size(); i++) {
      if (EcgLeads.TWELVE_LEAD.get(i).sameCode(lead)) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }
}
