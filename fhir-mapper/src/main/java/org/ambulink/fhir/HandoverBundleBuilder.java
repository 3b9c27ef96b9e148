package org.ambulink.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Provenance;

/**
 * Builds the FHIR R4 {@code transaction} bundles of a handover. Pure: the same record always gives
 * byte-identical bundles.
 *
 * <ul>
 *   <li>Every entry has a {@code urn:uuid:} full URL (a name-based UUID of its identifier), and
 *       references between entries use those URLs.
 *   <li>Every entry is {@code POST} with {@code ifNoneExist} on its stable identifier (Provenance:
 *       on its {@code _tag}), so posting a bundle again, e.g. after a dropped link, creates nothing
 *       twice.
 *   <li>Each bundle ends with a Provenance whose targets are all its other entries, recorded by the
 *       appliance's Device.
 * </ul>
 *
 * <p>Splitting: a bundle's compact JSON (what is posted, see {@link #encode}) stays within {@code
 * maxBytes}, default {@link #DEFAULT_MAX_BYTES}. Observations are packed in time order; a bundle
 * that is full is closed and the next one starts. Every bundle repeats the Patient, Encounter,
 * Location and Devices with the same identifiers, so the server resolves them to the same resources
 * whichever bundle arrives first. One observation, and one ECG strip with its leads, is never
 * split.
 */
public final class HandoverBundleBuilder {
  /** The default size cap of one bundle's compact JSON: 8 MiB. */
  public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

  private static final String PARTICIPANT_TYPE =
      "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

  private final FhirContext fhir;

  /** A builder on the shared context ({@link FhirR4#context()}). */
  public HandoverBundleBuilder() {
    this(FhirR4.context());
  }

  public HandoverBundleBuilder(FhirContext fhir) {
    this.fhir = Objects.requireNonNull(fhir, "fhir");
  }

  /** Everything in one bundle, however large; see {@link #buildAll} to stay within a size. */
  public Bundle build(HandoverRecord record) {
    return assemble(record, Long.MAX_VALUE).bundles().get(0);
  }

  /** The bundles of a handover, each within {@link #DEFAULT_MAX_BYTES}. */
  public List<Bundle> buildAll(HandoverRecord record) {
    return buildAll(record, DEFAULT_MAX_BYTES);
  }

  /**
   * The bundles of a handover, each within {@code maxBytes} of compact JSON.
   *
   * @throws IllegalArgumentException when {@code maxBytes} cannot hold the repeated resources plus
   *     the largest single unit (an ECG strip of 12 leads is about 250 kB at 500 Hz)
   */
  public List<Bundle> buildAll(HandoverRecord record, long maxBytes) {
    return assemble(record, maxBytes).bundles();
  }

  /** The bundles, each within {@code maxBytes}, and the report of what was left out. */
  public HandoverBundles assemble(HandoverRecord record, long maxBytes) {
    Assembled a = assembled(record, maxBytes);
    return new HandoverBundles(a.bundles(), a.report());
  }

  /**
   * {@link #buildAll(HandoverRecord, long)} as the compact JSON that is posted, one string per
   * bundle. The JSON is the one the size check produced: nothing is encoded twice.
   */
  public List<String> buildJson(HandoverRecord record, long maxBytes) {
    Assembled a = assembled(record, maxBytes);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < a.bundles().size(); i++) {
      String json = a.json().get(i);
      out.add(json != null ? json : encode(a.bundles().get(i)));
    }
    return out;
  }

  /** Bundles with the JSON their size check made (null where no cap was checked). */
  private record Assembled(List<Bundle> bundles, List<String> json, MappingReport report) {}

  private Assembled assembled(HandoverRecord record, long maxBytes) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
    }
    HandoverMapper.Mapped mapped = HandoverMapper.map(record);
    List<Bundle> bundles = new ArrayList<>();
    List<String> json = new ArrayList<>();
    for (Packed p : pack(mapped, maxBytes)) {
      bundles.add(p.bundle());
      json.add(p.json());
    }
    return new Assembled(bundles, json, mapped.report());
  }

  /** The compact JSON that is posted, and whose UTF-8 size the cap counts. */
  public String encode(Bundle bundle) {
    return parser().encodeResourceToString(bundle);
  }

  private IParser parser() {
    return fhir.newJsonParser().setPrettyPrint(false);
  }

  private long bytes(Bundle bundle) {
    return utf8Length(encode(bundle));
  }

  /** One bundle of a handover and, when its size was checked, its JSON. */
  private record Packed(Bundle bundle, String json) {}

  /**
   * Packs units greedily by an estimate of their JSON size, then checks each bundle exactly (that
   * JSON is kept, it is what gets posted) and moves units on while one is too large. Estimating
   * encodes each kind of single-observation unit once and assumes the others of its kind are
   * similar, with a margin; ECG strips are encoded each. A low estimate only costs a recheck.
   */
  private List<Packed> pack(HandoverMapper.Mapped mapped, long maxBytes) {
    if (maxBytes == Long.MAX_VALUE) {
      return List.of(new Packed(bundle(mapped, mapped.units()), null));
    }
    long base = bytes(bundle(mapped, List.of()));
    if (base > maxBytes) {
      throw new IllegalArgumentException(
          "maxBytes "
              + maxBytes
              + " cannot hold even the patient, encounter, destination and devices ("
              + base
              + " bytes)");
    }
    IParser parser = parser();
    Map<String, Long> sizeByKind = new HashMap<>();
    Deque<Unit> pending = new ArrayDeque<>(mapped.units());
    List<Packed> packed = new ArrayList<>();
    while (!pending.isEmpty() || packed.isEmpty()) {
      List<Unit> group = new ArrayList<>();
      long size = base;
      while (!pending.isEmpty()) {
        long cost = estimate(parser, pending.peekFirst(), sizeByKind);
        if (!group.isEmpty() && size + cost > maxBytes) {
          break;
        }
        group.add(pending.pollFirst());
        size += cost;
      }
      // The estimate is close but not exact: check, and hand units back until the bundle fits.
      Bundle bundle = bundle(mapped, group);
      String json = encode(bundle);
      while (utf8Length(json) > maxBytes) {
        if (group.size() == 1) {
          Unit u = group.get(0);
          throw new IllegalArgumentException(
              "maxBytes "
                  + maxBytes
                  + " cannot hold "
                  + u.entries().get(0).kind()
                  + " at "
                  + u.at()
                  + " with the resources every bundle repeats ("
                  + utf8Length(json)
                  + " bytes); raise the cap");
        }
        pending.addFirst(group.remove(group.size() - 1));
        bundle = bundle(mapped, group);
        json = encode(bundle);
      }
      packed.add(new Packed(bundle, json));
    }
    return packed;
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Estimated size of a unit: measured once per kind of single-entry unit, with a margin. */
  private static long estimate(IParser parser, Unit unit, Map<String, Long> sizeByKind) {
    if (unit.entries().size() != 1) {
      return estimate(parser, unit);
    }
    String kind = unit.entries().get(0).kind();
    Long known = sizeByKind.get(kind);
    if (known == null) {
      known = estimate(parser, unit) * 5 / 4;
      sizeByKind.put(kind, known);
    }
    return known;
  }

  /** JSON bytes a unit adds to a bundle: its entries and their Provenance targets. */
  private static long estimate(IParser parser, Unit unit) {
    long n = 0;
    for (Entry e : unit.entries()) {
      String resource = parser.encodeResourceToString(e.resource());
      n += resource.getBytes(StandardCharsets.UTF_8).length;
      n +=
          "{'fullUrl':'','resource':,'request':{'method':'POST','url':'','ifNoneExist':''}},"
              .length();
      n += e.fullUrl().length() + e.resourceType().length() + e.ifNoneExist().length() * 2L;
      n += "{'reference':''},".length() + e.fullUrl().length();
    }
    return n;
  }

  private Bundle bundle(HandoverMapper.Mapped mapped, List<Unit> units) {
    Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
    List<Entry> entries = new ArrayList<>();
    for (Entry e : mapped.common()) {
      entries.add(new Entry(e.fullUrl(), e.resource().copy(), e.ifNoneExist(), e.kind()));
    }
    units.forEach(u -> entries.addAll(u.entries()));
    entries.add(provenance(mapped, entries));
    for (Entry e : entries) {
      bundle
          .addEntry()
          .setFullUrl(e.fullUrl())
          .setResource(e.resource())
          .getRequest()
          .setMethod(HTTPVerb.POST)
          .setUrl(e.resourceType())
          .setIfNoneExist(e.ifNoneExist());
    }
    return bundle;
  }

  /**
   * The Provenance of a bundle: targets every entry, the appliance assembled it, recorded at the
   * end of the transport. R4 Provenance has no identifier; its key is a tag made of the transport
   * and a digest of its targets and recorded time, so the same bundle gives the same tag.
   */
  private static Entry provenance(HandoverMapper.Mapped mapped, List<Entry> targets) {
    HandoverRecord r = mapped.record();
    Provenance p = new Provenance();
    TreeSet<String> urls = new TreeSet<>();
    for (Entry e : targets) {
      p.addTarget(Fhir.ref(e.fullUrl()));
      urls.add(e.fullUrl());
    }
    Period occurred = new Period().setStartElement(Fhir.dateTime(r.start()));
    if (r.end() != null) {
      occurred.setEndElement(Fhir.dateTime(r.end()));
    }
    p.setOccurred(occurred);
    p.setRecordedElement(Fhir.instant(mapped.recorded()));
    p.addAgent()
        .setType(
            new CodeableConcept()
                .addCoding(
                    new Coding()
                        .setSystem(PARTICIPANT_TYPE)
                        .setCode("assembler")
                        .setDisplay("Assembler")))
        .setWho(Fhir.ref(mapped.applianceUrl()));
    String tag =
        r.key()
            + "/provenance/"
            + digest(String.join("\n", urls) + "\n" + mapped.recorded().toEpochMilli());
    p.getMeta().addTag(Identifiers.PROVENANCE_TAG, tag, null);
    return new Entry(
        Identifiers.fullUrl("Provenance", Identifiers.PROVENANCE_TAG, tag),
        p,
        Identifiers.ifNoneExist("_tag", Identifiers.PROVENANCE_TAG, tag),
        "Provenance");
  }

  private static String digest(String text) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
