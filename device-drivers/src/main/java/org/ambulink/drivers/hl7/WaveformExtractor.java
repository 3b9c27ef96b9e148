package org.ambulink.drivers.hl7;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ambulink.drivers.model.MdcCode;
import org.ambulink.drivers.model.WaveformSegment;

/**
 * Turns IHE PCD WCM waveform rows into {@link WaveformSegment}s.
 *
 * <p>NA: one lead per OBX, samples separated by {@code ^}. MA: samples separated by {@code ~},
 * channels within a sample by {@code ^}. An MA row's channels are named by the header rows under
 * its path that carry a lead code (OBX-4 {@code <MA path>.<k>}, no value), in message order; an MA
 * row with a single channel and no such rows is the lead in its own OBX-3. Anything else is dropped
 * rather than guessed: a wrong lead label is worse than a missing lead.
 *
 * <p>Facets ({@code MDC_ATTR_SAMP_RATE}, {@code MDC_ATTR_DATA_RANGE}) are rows whose OBX-4 is the
 * lead's path plus one level; each belongs to the nearest lead row with that path before it (else
 * after it), so repeated leads in one message keep their own facets. The sample rate is required.
 *
 * <p>Samples are decimals in the lead's unit, converted exactly: scale = 10^-(most fraction digits
 * among the row's values), offset 0, sample = value * 10^digits.
 */
final class WaveformExtractor {
  private final DecodeContext ctx;
  private final Delimiters d;
  private final List<ObxRow> leadRows = new ArrayList<>();
  private final List<WaveformSegment> segments = new ArrayList<>();

  WaveformExtractor(DecodeContext ctx, Delimiters d) {
    this.ctx = ctx;
    this.d = d;
  }

  void add(ObxRow row) {
    leadRows.add(row);
  }

  List<WaveformSegment> segments() {
    return segments;
  }

  /**
   * @param rows all OBX rows of the message in order (for MA channel rows)
   * @param facets the attribute rows of the message
   */
  void extract(List<ObxRow> rows, List<ObxRow> facets) {
    if (leadRows.isEmpty()) {
      return;
    }
    Map<ObxRow, List<ObxRow>> channelRows = new IdentityHashMap<>();
    List<ObxRow> targets = new ArrayList<>(leadRows);
    for (ObxRow ma : leadRows) {
      if (ma.valueType().equals("MA")) {
        List<ObxRow> channels = new ArrayList<>();
        for (ObxRow r : rows) {
          if (r.isHeader() && !r.isFacet() && r.parentPath().equals(ma.path())) {
            channels.add(r);
          }
        }
        channelRows.put(ma, channels);
        targets.addAll(channels);
      }
    }
    Map<ObxRow, List<ObxRow>> facetsOf = attach(targets, facets);
    for (ObxRow row : leadRows) {
      if (row.valueType().equals("NA")) {
        na(row, facetsOf.getOrDefault(row, List.of()));
      } else {
        ma(row, channelRows.get(row), facetsOf);
      }
    }
  }

  /** Each facet goes to the nearest row with its parent path before it, else after it. */
  private static Map<ObxRow, List<ObxRow>> attach(List<ObxRow> targets, List<ObxRow> facets) {
    Map<ObxRow, List<ObxRow>> out = new IdentityHashMap<>();
    for (ObxRow f : facets) {
      String parent = f.parentPath();
      ObxRow before = null;
      ObxRow after = null;
      for (ObxRow t : targets) {
        if (!t.path().equals(parent)) {
          continue;
        }
        if (t.ordinal() < f.ordinal()) {
          if (before == null || t.ordinal() > before.ordinal()) {
            before = t;
          }
        } else if (after == null || t.ordinal() < after.ordinal()) {
          after = t;
        }
      }
      ObxRow owner = before != null ? before : after;
      if (owner != null) {
        out.computeIfAbsent(owner, k -> new ArrayList<>()).add(f);
      }
    }
    return out;
  }

  private void na(ObxRow row, List<ObxRow> facets) {
    MdcCode lead = ctx.codeOrDrop(row, 3, row.id(), "lead");
    if (lead == null) {
      return;
    }
    String leadName = "lead " + lead.code() + " " + lead.refId();
    Double rate = sampleRate(row, facets, leadName);
    MdcCode unit = rate == null ? null : ctx.codeOrDrop(row, 6, row.unit(), "unit of " + leadName);
    if (unit == null) {
      return;
    }
    String raw = row.rawArray();
    Decimals.SampleColumn column = new Decimals.SampleColumn(raw.length() / 4);
    int n = raw.length();
    int from = 0;
    int position = 0;
    int firstEmpty = 0;
    while (from <= n) {
      int to = from;
      while (to < n && raw.charAt(to) != d.component() && raw.charAt(to) != d.repetition()) {
        to++;
      }
      position++;
      Decimals.Token t = column.add(raw, from, to);
      if (t == Decimals.Token.EMPTY) {
        firstEmpty = firstEmpty == 0 ? position : firstEmpty;
      } else if (firstEmpty > 0) {
        sampleProblem(row, leadName, Decimals.Token.EMPTY, firstEmpty);
        return;
      } else if (t != Decimals.Token.OK) {
        sampleProblem(row, leadName, t, position);
        return;
      }
      from = to + 1;
    }
    // Empty values after the last sample are a trailing delimiter, not missing samples.
    build(row, lead, row.path(), rate, unit, column, leadName);
  }

  private void ma(ObxRow row, List<ObxRow> channelRows, Map<ObxRow, List<ObxRow>> facetsOf) {
    String raw = row.rawArray();
    List<String> samples = Er7.split(raw, d.repetition());
    while (samples.size() > 1 && samples.get(samples.size() - 1).isBlank()) {
      samples.remove(samples.size() - 1);
    }
    int channels = Er7.split(samples.get(0), d.component()).size();
    List<Decimals.SampleColumn> columns = new ArrayList<>(channels);
    for (int c = 0; c < channels; c++) {
      columns.add(new Decimals.SampleColumn(samples.size()));
    }
    String rowName = "multiplexed waveform " + DecodeContext.name(row);
    Decimals.Token[] problems = new Decimals.Token[channels];
    int[] problemAt = new int[channels];
    for (int s = 0; s < samples.size(); s++) {
      List<String> values = Er7.split(samples.get(s), d.component());
      if (values.size() != channels) {
        ctx.drop(
            row.location(5),
            "ragged-samples",
            rowName
                + " dropped: sample "
                + (s + 1)
                + " has "
                + values.size()
                + " channels where the first has "
                + channels
                + ".");
        return;
      }
      for (int c = 0; c < channels; c++) {
        if (problems[c] == null) {
          String v = values.get(c);
          Decimals.Token t = columns.get(c).add(v, 0, v.length());
          if (t != Decimals.Token.OK) {
            problems[c] = t;
            problemAt[c] = s + 1;
          }
        }
      }
    }
    if (channelRows.isEmpty() && channels == 1) {
      MdcCode lead = ctx.codeOrDrop(row, 3, row.id(), "lead");
      if (lead == null) {
        return;
      }
      channelRows = List.of(row);
    } else if (channelRows.size() != channels) {
      ctx.drop(
          row.location(),
          "channel-map",
          rowName
              + " dropped: it has "
              + channels
              + " channels but "
              + channelRows.size()
              + " lead rows under '"
              + row.path()
              + "' name them, so its channels cannot be told apart.");
      return;
    }
    List<ObxRow> rowFacets = facetsOf.getOrDefault(row, List.of());
    for (int c = 0; c < channels; c++) {
      ObxRow ch = channelRows.get(c);
      MdcCode lead = ctx.codeOrDrop(ch, 3, ch.id(), "lead of MA channel " + (c + 1));
      if (lead == null) {
        continue;
      }
      String leadName =
          "lead " + lead.code() + " " + lead.refId() + " (MA channel " + (c + 1) + ")";
      if (problems[c] != null) {
        sampleProblem(row, leadName, problems[c], problemAt[c]);
        continue;
      }
      List<ObxRow> facets = new ArrayList<>(facetsOf.getOrDefault(ch, List.of()));
      if (ch != row) {
        facets.addAll(rowFacets);
      }
      Double rate = sampleRate(row, facets, leadName);
      Cwe unitField = ch.unit().isEmpty() ? row.unit() : ch.unit();
      MdcCode unit = rate == null ? null : ctx.codeOrDrop(row, 6, unitField, "unit of " + leadName);
      if (unit != null) {
        build(row, lead, ch.path(), rate, unit, columns.get(c), leadName);
      }
    }
  }

  private void build(
      ObxRow row,
      MdcCode lead,
      String path,
      double rate,
      MdcCode unit,
      Decimals.SampleColumn column,
      String leadName) {
    if (column.count() == 0) {
      ctx.drop(row.location(5), "no-samples", leadName + " has no samples.");
      return;
    }
    int[] samples = new int[column.count()];
    int bad = column.toSamples(samples);
    if (bad >= 0) {
      sampleProblem(row, leadName, Decimals.Token.TOO_LONG, bad + 1);
      return;
    }
    Instant start = ctx.timeOf(row, leadName);
    if (start == null) {
      return;
    }
    segments.add(
        new WaveformSegment(
            lead,
            path,
            rate,
            start,
            samples,
            BigDecimal.valueOf(1, column.maxScale()),
            BigDecimal.ZERO,
            unit,
            ctx.deviceId(row)));
  }

  private void sampleProblem(ObxRow row, String leadName, Decimals.Token t, int position) {
    String reason =
        switch (t) {
          case EMPTY -> "missing-sample";
          case TOO_LONG -> "sample-range";
          default -> "not-a-number";
        };
    String what =
        switch (t) {
          case EMPTY -> "is empty";
          case TOO_LONG -> "has too many digits to be held exactly";
          default -> "is not a number";
        };
    ctx.drop(
        row.location(5),
        reason,
        leadName + " dropped: sample " + position + " of OBX-5 " + what + ".");
  }

  /** The MDC_ATTR_SAMP_RATE facet's value in Hz, or null after dropping the lead. */
  private Double sampleRate(ObxRow row, List<ObxRow> facets, String leadName) {
    for (ObxRow f : facets) {
      String ref = f.id().text().toUpperCase(Locale.ROOT);
      if (!ref.equals(MdcTerms.SAMP_RATE.refId())
          && !f.id().altText().equalsIgnoreCase(MdcTerms.SAMP_RATE.refId())) {
        continue;
      }
      String v = f.value();
      MdcTerms.Resolution unit = MdcTerms.resolve(f.unit());
      if (!Decimals.isNumber(v)
          || Decimals.parse(v).signum() <= 0
          || (!f.unit().isEmpty() && (!unit.ok() || !MdcTerms.isPerSecond(unit.code())))) {
        ctx.drop(
            row.location(),
            "bad-sample-rate",
            leadName
                + " dropped: its MDC_ATTR_SAMP_RATE facet ("
                + f.location()
                + ") is '"
                + v
                + "' in '"
                + f.unit().describe()
                + "', not a positive rate per second.");
        return null;
      }
      double hz = Decimals.parse(v).doubleValue();
      if (Double.isInfinite(hz)) {
        ctx.drop(row.location(), "bad-sample-rate", leadName + " dropped: sample rate too large.");
        return null;
      }
      return hz;
    }
    ctx.drop(
        row.location(),
        "no-sample-rate",
        leadName
            + " dropped: no MDC_ATTR_SAMP_RATE facet under '"
            + row.path()
            + "', so its timing is unknown.");
    return null;
  }
}
