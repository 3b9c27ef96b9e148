package org.ambulink.drivers.wfdb;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed WFDB header ({@code .hea}) of a single-segment record: the record line, one {@link
 * WfdbSignalSpec} per signal, and the {@code #} comment lines (which often hold age, sex,
 * diagnosis).
 *
 * @param recordName the record name, e.g. {@code 100}
 * @param samplingFrequency samples per second per signal (250 when the header gives none)
 * @param counterFrequency counter ticks per second; equal to the sampling frequency when not given
 * @param baseCounter the counter value of sample 0; 0 when not given
 * @param sampleCount samples per signal; empty when the header does not say (then the signal file
 *     length decides)
 * @param baseTime the time of sample 0 as written ({@code HH:MM:SS}); empty when not given
 * @param baseDate the date of sample 0 as written ({@code DD/MM/YYYY}); empty when not given
 * @param signals the signal lines, in header order
 * @param comments the comment lines without the leading {@code #}, trimmed
 */
public record WfdbHeader(
    String recordName,
    double samplingFrequency,
    double counterFrequency,
    double baseCounter,
    OptionalLong sampleCount,
    String baseTime,
    String baseDate,
    List<WfdbSignalSpec> signals,
    List<String> comments) {

  /** The sampling frequency WFDB assumes when a header gives none. */
  public static final double DEFAULT_FREQUENCY = 250;

  private static final Pattern NUMBER =
      Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
  private static final Pattern FREQUENCY =
      Pattern.compile("(" + NUMBER + ")(?:/(" + NUMBER + ")(?:\\((" + NUMBER + ")\\))?)?");
  private static final Pattern FORMAT =
      Pattern.compile("(\\d+)(?:x(\\d+))?(?::(\\d+))?(?:\\+(\\d+))?");
  private static final Pattern GAIN =
      Pattern.compile("(" + NUMBER + ")(?:\\(([-+]?\\d+)\\))?(?:/(\\S+))?");

  public WfdbHeader {
    Objects.requireNonNull(recordName, "recordName");
    Objects.requireNonNull(sampleCount, "sampleCount");
    baseTime = Objects.toString(baseTime, "");
    baseDate = Objects.toString(baseDate, "");
    signals = List.copyOf(signals);
    comments = List.copyOf(comments);
  }

  public int signalCount() {
    return signals.size();
  }

  public WfdbSignalSpec signal(int index) {
    return signals.get(index);
  }

  /**
   * Parses the text of a header file.
   *
   * @param text the whole header
   * @param source where it came from, named in error messages (e.g. the file path)
   * @throws WfdbFormatException naming the line and the value that could not be parsed, or the
   *     feature (multi-segment records, skew, several samples per frame) that is not supported
   */
  public static WfdbHeader parse(String text, String source) throws WfdbFormatException {
    List<String> comments = new ArrayList<>();
    List<String[]> lines = new ArrayList<>(); // {line number, content}
    String[] raw = text.split("\\r?\\n|\\r", -1);
    for (int i = 0; i < raw.length; i++) {
      String line = raw[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        comments.add(line.substring(1).strip());
        continue;
      }
      lines.add(new String[] {String.valueOf(i + 1), line});
    }
    if (lines.isEmpty()) {
      throw new WfdbFormatException(
          source + ": no record line (the header is empty or all comments)");
    }
    String[] recordLine = lines.get(0);
    String where = source + " line " + recordLine[0];
    String[] f = recordLine[1].split("\\s+");
    String name = f[0];
    if (name.contains("/")) {
      throw new WfdbFormatException(
          where + ": record '" + name + "' is a multi-segment record, which is not supported");
    }
    if (f.length < 2) {
      throw new WfdbFormatException(
          where + ": record line '" + recordLine[1] + "' has no number of signals");
    }
    int nsig = parseInt(f[1], "number of signals", where);
    if (nsig < 0) {
      throw new WfdbFormatException(
          where + ": number of signals must not be negative, was " + nsig);
    }
    double fs = DEFAULT_FREQUENCY;
    double counterFreq;
    double baseCounter = 0;
    boolean counterGiven = false;
    counterFreq = 0;
    if (f.length > 2) {
      Matcher m = FREQUENCY.matcher(f[2]);
      if (!m.matches()) {
        throw new WfdbFormatException(
            where + ": sampling frequency '" + f[2] + "' is not a number[/counter[(base)]]");
      }
      fs = Double.parseDouble(m.group(1));
      if (m.group(4) != null) {
        counterFreq = Double.parseDouble(m.group(4));
        counterGiven = true;
      }
      if (m.group(7) != null) {
        baseCounter = Double.parseDouble(m.group(7));
      }
    }
    if (!(fs > 0) || Double.isInfinite(fs)) {
      throw new WfdbFormatException(
          where + ": sampling frequency must be positive, was '" + f[2] + "'");
    }
    if (!counterGiven || counterFreq <= 0) {
      counterFreq = fs;
    }
    OptionalLong nsamp = OptionalLong.empty();
    if (f.length > 3) {
      long n = parseLong(f[3], "number of samples", where);
      if (n < 0) {
        throw new WfdbFormatException(where + ": number of samples must not be negative, was " + n);
      }
      // WFDB writes 0 for "unknown": the signal file's length decides.
      nsamp = n == 0 ? OptionalLong.empty() : OptionalLong.of(n);
    }
    String baseTime = f.length > 4 ? f[4] : "";
    String baseDate = f.length > 5 ? f[5] : "";

    if (lines.size() - 1 < nsig) {
      throw new WfdbFormatException(
          source
              + ": the record line announces "
              + nsig
              + " signals but only "
              + (lines.size() - 1)
              + " signal lines follow");
    }
    if (lines.size() - 1 > nsig) {
      String[] extra = lines.get(nsig + 1);
      throw new WfdbFormatException(
          source
              + " line "
              + extra[0]
              + ": unexpected line '"
              + extra[1]
              + "' after the "
              + nsig
              + " signal lines the record line announces");
    }
    List<WfdbSignalSpec> signals = new ArrayList<>(nsig);
    for (int s = 0; s < nsig; s++) {
      String[] line = lines.get(s + 1);
      signals.add(parseSignal(line[1], source + " line " + line[0]));
    }
    return new WfdbHeader(
        name, fs, counterFreq, baseCounter, nsamp, baseTime, baseDate, signals, comments);
  }

  private static WfdbSignalSpec parseSignal(String line, String where) throws WfdbFormatException {
    // The description is the rest of the line after the ninth field and may contain spaces.
    List<String> fields = new ArrayList<>();
    String description = "";
    int pos = 0;
    while (pos < line.length()) {
      while (pos < line.length() && Character.isWhitespace(line.charAt(pos))) {
        pos++;
      }
      if (pos >= line.length()) {
        break;
      }
      if (fields.size() == 8) {
        description = line.substring(pos).strip();
        break;
      }
      int end = pos;
      while (end < line.length() && !Character.isWhitespace(line.charAt(end))) {
        end++;
      }
      fields.add(line.substring(pos, end));
      pos = end;
    }
    if (fields.size() < 2) {
      throw new WfdbFormatException(where + ": signal line '" + line + "' has no format field");
    }
    String fileName = fields.get(0);
    if (fileName.equals("~") || fileName.equals("-")) {
      throw new WfdbFormatException(
          where
              + ": signal file '"
              + fileName
              + "' (null or standard-input signal) is not supported");
    }
    Matcher fm = FORMAT.matcher(fields.get(1));
    if (!fm.matches()) {
      throw new WfdbFormatException(
          where + ": format '" + fields.get(1) + "' is not format[xspf][:skew][+offset]");
    }
    int format = parseInt(fm.group(1), "format", where);
    int spf = fm.group(2) == null ? 1 : parseInt(fm.group(2), "samples per frame", where);
    int skew = fm.group(3) == null ? 0 : parseInt(fm.group(3), "skew", where);
    long byteOffset = fm.group(4) == null ? 0 : parseLong(fm.group(4), "byte offset", where);
    if (spf != 1) {
      throw new WfdbFormatException(
          where
              + ": format '"
              + fields.get(1)
              + "' has "
              + spf
              + " samples per frame; only 1 is supported");
    }
    if (skew != 0) {
      throw new WfdbFormatException(
          where
              + ": format '"
              + fields.get(1)
              + "' has a skew of "
              + skew
              + " samples; skewed signals are not supported");
    }
    WfdbFormat.of(format, where); // reject unsupported formats early

    BigDecimal gain = WfdbSignalSpec.DEFAULT_GAIN;
    boolean gainGiven = false;
    Integer baseline = null;
    String units = "mV";
    if (fields.size() > 2) {
      Matcher gm = GAIN.matcher(fields.get(2));
      if (!gm.matches()) {
        throw new WfdbFormatException(
            where + ": gain '" + fields.get(2) + "' is not gain[(baseline)][/units]");
      }
      BigDecimal g = new BigDecimal(gm.group(1));
      if (g.signum() < 0) {
        throw new WfdbFormatException(where + ": gain must not be negative, was " + g);
      }
      if (g.signum() > 0) {
        gain = g;
        gainGiven = true;
      }
      if (gm.group(4) != null) {
        baseline = parseInt(gm.group(4), "baseline", where);
      }
      if (gm.group(5) != null) {
        units = gm.group(5);
      }
    }
    int adcResolution = fields.size() > 3 ? parseInt(fields.get(3), "ADC resolution", where) : 0;
    if (adcResolution == 0) {
      adcResolution = WfdbFormat.of(format, where).bits();
    }
    int adcZero = fields.size() > 4 ? parseInt(fields.get(4), "ADC zero", where) : 0;
    OptionalInt initialValue =
        fields.size() > 5
            ? OptionalInt.of(parseInt(fields.get(5), "initial value", where))
            : OptionalInt.empty();
    OptionalInt checksum =
        fields.size() > 6
            ? OptionalInt.of(parseInt(fields.get(6), "checksum", where))
            : OptionalInt.empty();
    int blockSize = fields.size() > 7 ? parseInt(fields.get(7), "block size", where) : 0;
    return new WfdbSignalSpec(
        fileName,
        format,
        spf,
        skew,
        byteOffset,
        gain,
        gainGiven,
        baseline == null ? adcZero : baseline,
        units,
        adcResolution,
        adcZero,
        initialValue,
        checksum,
        blockSize,
        description);
  }

  private static int parseInt(String value, String what, String where) throws WfdbFormatException {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new WfdbFormatException(where + ": " + what + " '" + value + "' is not an integer", e);
    }
  }

  private static long parseLong(String value, String what, String where)
      throws WfdbFormatException {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new WfdbFormatException(where + ": " + what + " '" + value + "' is not an integer", e);
    }
  }
}
