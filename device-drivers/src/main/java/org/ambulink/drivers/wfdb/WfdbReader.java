package org.ambulink.drivers.wfdb;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads single-segment WFDB records from files or the classpath, verifying every signal against the
 * header's checksum and initial value so a bad file fails loudly instead of replaying wrong ECG.
 */
public final class WfdbReader {
  private static final String HEADER_SUFFIX = ".hea";

  private WfdbReader() {}

  /**
   * Reads the record whose header is {@code hea}; its signal files are looked up next to it.
   *
   * @param hea the header file; {@code .hea} is appended when the name lacks it
   * @throws WfdbFormatException when a file is malformed or truncated or a checksum differs
   * @throws java.nio.file.NoSuchFileException when the header or a signal file is missing
   */
  public static WfdbRecord read(Path hea) throws IOException {
    Path header =
        hea.getFileName().toString().endsWith(HEADER_SUFFIX)
            ? hea
            : hea.resolveSibling(hea.getFileName() + HEADER_SUFFIX);
    // Lenient UTF-8: comments may hold any bytes, and only the ASCII fields matter.
    String text = new String(Files.readAllBytes(header), StandardCharsets.UTF_8);
    return read(
        text,
        header.toString(),
        new SignalFiles() {
          @Override
          public InputStream open(String name) throws IOException {
            return Files.newInputStream(header.resolveSibling(name));
          }

          @Override
          public String describe(String name) {
            return header.resolveSibling(name).toString();
          }
        });
  }

  /**
   * Reads a record from the classpath, e.g. {@code ecg/s0010_re} or {@code ecg/100.hea}; its signal
   * files are looked up in the same classpath folder.
   *
   * @throws FileNotFoundException naming the resource when the header or a signal file is missing
   */
  public static WfdbRecord read(String classpathResource) throws IOException {
    String name =
        classpathResource.startsWith("/") ? classpathResource.substring(1) : classpathResource;
    String headerName = name.endsWith(HEADER_SUFFIX) ? name : name + HEADER_SUFFIX;
    int slash = headerName.lastIndexOf('/');
    String folder = slash < 0 ? "" : headerName.substring(0, slash + 1);
    String text;
    try (InputStream in = openResource(headerName)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return read(
        text,
        "classpath:" + headerName,
        new SignalFiles() {
          @Override
          public InputStream open(String file) throws IOException {
            return openResource(folder + file);
          }

          @Override
          public String describe(String file) {
            return "classpath:" + folder + file;
          }
        });
  }

  /** Opens a classpath resource, failing with a message that names it when it is missing. */
  static InputStream openResource(String name) throws FileNotFoundException {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    InputStream in = loader == null ? null : loader.getResourceAsStream(name);
    if (in == null) {
      in = WfdbReader.class.getClassLoader().getResourceAsStream(name);
    }
    if (in == null) {
      throw new FileNotFoundException("classpath resource '" + name + "' not found");
    }
    return in;
  }

  /** Where the signal files of a record come from. */
  private interface SignalFiles {
    InputStream open(String fileName) throws IOException;

    String describe(String fileName);
  }

  private static WfdbRecord read(String headerText, String source, SignalFiles files)
      throws IOException {
    WfdbHeader header = WfdbHeader.parse(headerText, source);
    List<int[]> groups = groups(header, source); // {first signal, count}
    int nsig = header.signalCount();
    int[][] samples = new int[nsig][];
    long length = header.sampleCount().orElse(-1);
    for (int[] group : groups) {
      int first = group[0];
      int count = group[1];
      WfdbSignalSpec spec = header.signal(first);
      WfdbFormat format = WfdbFormat.of(spec.format(), source);
      String file = files.describe(spec.fileName());
      byte[] data;
      try (InputStream in = files.open(spec.fileName())) {
        try {
          in.skipNBytes(spec.byteOffset());
        } catch (EOFException e) {
          throw new WfdbFormatException(
              "signal file " + file + " is shorter than its byte offset " + spec.byteOffset(), e);
        }
        if (length < 0) {
          data = in.readAllBytes();
          length = format.valuesIn(data.length) / count;
        } else {
          long needed = format.bytesFor(length * count);
          if (needed > Integer.MAX_VALUE - 16) {
            throw new WfdbFormatException(
                "signal file " + file + ": " + needed + " bytes is too large to read into memory");
          }
          data = in.readNBytes((int) needed);
          if (data.length < needed) {
            throw new WfdbFormatException(
                "signal file "
                    + file
                    + " is truncated: "
                    + signalNames(header, first, count)
                    + " need "
                    + needed
                    + " bytes for "
                    + length
                    + " samples each in format "
                    + spec.format()
                    + (spec.byteOffset() > 0 ? " after " + spec.byteOffset() + " offset bytes" : "")
                    + ", but it has only "
                    + data.length);
          }
        }
      } catch (NoSuchFileException | FileNotFoundException e) {
        throw new WfdbFormatException(
            source
                + ": signal file "
                + file
                + " of "
                + signalNames(header, first, count)
                + " is missing",
            e);
      }
      if (length > Integer.MAX_VALUE / Math.max(1, count)) {
        throw new WfdbFormatException(
            "signal file "
                + file
                + ": "
                + length
                + " samples per signal is too many to hold in memory");
      }
      int n = (int) length;
      int[] values = new int[n * count];
      format.decode(data, values);
      for (int k = 0; k < count; k++) {
        int[] s = new int[n];
        for (int i = 0, j = k; i < n; i++, j += count) {
          s[i] = values[j];
        }
        if (format == WfdbFormat.DIFFERENCES_8) {
          int v =
              header.signal(first + k).initialValue().orElse(header.signal(first + k).adcZero());
          for (int i = 0; i < n; i++) {
            v += s[i];
            s[i] = v;
          }
        }
        samples[first + k] = s;
      }
    }
    for (int s = 0; s < nsig; s++) {
      verify(header, s, samples[s], files.describe(header.signal(s).fileName()));
    }
    return new WfdbRecord(header, samples);
  }

  /** Runs of consecutive signals stored in the same file, as {first signal, count}. */
  private static List<int[]> groups(WfdbHeader header, String source) throws WfdbFormatException {
    List<int[]> groups = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (int s = 0; s < header.signalCount(); s++) {
      WfdbSignalSpec spec = header.signal(s);
      if (!groups.isEmpty()) {
        int[] last = groups.get(groups.size() - 1);
        WfdbSignalSpec head = header.signal(last[0]);
        if (head.fileName().equals(spec.fileName())) {
          if (head.format() != spec.format()) {
            throw new WfdbFormatException(
                source
                    + ": "
                    + spec.label(s)
                    + " is stored in "
                    + spec.fileName()
                    + " in format "
                    + spec.format()
                    + " but "
                    + head.label(last[0])
                    + " in the same file uses format "
                    + head.format());
          }
          last[1]++;
          continue;
        }
      }
      if (seen.contains(spec.fileName())) {
        throw new WfdbFormatException(
            source
                + ": "
                + spec.label(s)
                + " is stored in "
                + spec.fileName()
                + ", but the signals of one file must be listed together");
      }
      seen.add(spec.fileName());
      groups.add(new int[] {s, 1});
    }
    return groups;
  }

  private static void verify(WfdbHeader header, int s, int[] samples, String file)
      throws WfdbFormatException {
    WfdbSignalSpec spec = header.signal(s);
    if (spec.checksum().isPresent()) {
      int sum = 0;
      for (int v : samples) {
        sum += v;
      }
      short actual = (short) sum;
      short expected = (short) spec.checksum().getAsInt();
      if (actual != expected) {
        throw new WfdbChecksumException(
            "checksum mismatch in "
                + file
                + " for "
                + spec.label(s)
                + ": the header says "
                + expected
                + ", the decoded samples sum to "
                + actual
                + " (16-bit); the file is corrupt or does not match its header",
            s,
            expected,
            actual);
      }
    }
    // In format 8 the initial value is where the differences start, not a check of sample 0.
    if (spec.initialValue().isPresent()
        && spec.format() != WfdbFormat.DIFFERENCES_8.code()
        && samples.length > 0
        && samples[0] != spec.initialValue().getAsInt()) {
      throw new WfdbFormatException(
          "initial value mismatch in "
              + file
              + " for "
              + spec.label(s)
              + ": the header says "
              + spec.initialValue().getAsInt()
              + ", sample 0 decodes to "
              + samples[0]);
    }
  }

  private static String signalNames(WfdbHeader header, int first, int count) {
    StringBuilder b = new StringBuilder(count == 1 ? "" : "signals ");
    for (int k = 0; k < count; k++) {
      String label = header.signal(first + k).label(first + k);
      b.append(k == 0 ? "" : ", ").append(count == 1 ? label : label.replace("signal ", ""));
    }
    return b.toString();
  }
}
