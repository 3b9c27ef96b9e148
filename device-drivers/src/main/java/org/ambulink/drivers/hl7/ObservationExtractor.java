package org.ambulink.drivers.hl7;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.NumericObservation;
import org.ambulink.drivers.model.ResultStatus;

/**
 * Turns the OBX rows of a PCD-01 (ORU^R01) or waveform (ORU^W01) message into numeric observations
 * and, through {@link WaveformExtractor}, waveform segments. Header rows of the device tree are
 * structure and skipped; attribute facets are consumed by the row they describe; everything else
 * that does not become data is reported as dropped.
 */
final class ObservationExtractor {
  private final DecodeContext ctx;
  private final List<NumericObservation> observations = new ArrayList<>();
  private final WaveformExtractor waveforms;

  ObservationExtractor(DecodeContext ctx, Delimiters delimiters) {
    this.ctx = ctx;
    this.waveforms = new WaveformExtractor(ctx, delimiters);
  }

  List<NumericObservation> observations() {
    return observations;
  }

  WaveformExtractor waveforms() {
    return waveforms;
  }

  void extract(List<ObxRow> rows) {
    Set<String> described = new HashSet<>();
    List<ObxRow> facets = new ArrayList<>();
    for (ObxRow row : rows) {
      if (row.isFacet()) {
        facets.add(row);
        continue;
      }
      described.add(row.path());
      if (row.isHeader()) {
        continue;
      }
      switch (row.valueType()) {
        case "NM" -> numeric(row);
        case "NA", "MA" -> waveforms.add(row);
        default ->
            ctx.drop(
                row.location(2),
                "value-type",
                "OBX-2 value type '"
                    + row.valueType()
                    + "' of "
                    + DecodeContext.name(row)
                    + " is not one intake decodes (NM, NA, MA).");
      }
    }
    waveforms.extract(rows, facets);
    for (ObxRow facet : facets) {
      if (!described.contains(facet.parentPath())) {
        ctx.drop(
            facet.location(),
            "orphan-facet",
            "Attribute "
                + DecodeContext.name(facet)
                + " at '"
                + facet.path()
                + "' belongs to no row of this message.");
      }
    }
  }

  private void numeric(ObxRow row) {
    MdcCode metric = ctx.codeOrDrop(row, 3, row.id(), "metric");
    if (metric == null) {
      return;
    }
    String what = "Value of " + DecodeContext.name(row);
    String text = row.value();
    if (text.isEmpty()) {
      ctx.drop(row.location(5), "no-value", what + " is empty (status " + row.status() + ").");
      return;
    }
    if (Decimals.isSentinel(text)) {
      ctx.drop(
          row.location(5),
          "sentinel",
          what + " is the 'no value' sentinel " + text + ", not a measurement.");
      return;
    }
    if (!Decimals.isNumber(text)) {
      ctx.drop(row.location(5), "not-a-number", what + " in OBX-5 is not a number.");
      return;
    }
    MdcCode unit = ctx.codeOrDrop(row, 6, row.unit(), "unit");
    if (unit == null) {
      return;
    }
    ResultStatus status = status(row);
    if (status == null) {
      return;
    }
    Instant at = ctx.timeOf(row, what);
    if (at == null) {
      return;
    }
    BigDecimal value = Decimals.parse(text);
    observations.add(
        new NumericObservation(
            metric, value, unit, row.path(), at, ctx.deviceId(row), status, row.hasFlag("DEMO")));
  }

  /** OBX-11: R and P are preliminary, F final, C corrected, X cannot obtain; empty taken as R. */
  private ResultStatus status(ObxRow row) {
    return switch (row.status()) {
      case "", "R", "P" -> ResultStatus.PRELIMINARY;
      case "F" -> ResultStatus.FINAL;
      case "C" -> ResultStatus.CORRECTED;
      case "X" -> ResultStatus.CANNOT_OBTAIN;
      default -> {
        ctx.drop(
            row.location(11),
            "status",
            "OBX-11 result status '"
                + row.status()
                + "' of "
                + DecodeContext.name(row)
                + " is not one a live value can have (R, P, F, C or X).");
        yield null;
      }
    };
  }
}
