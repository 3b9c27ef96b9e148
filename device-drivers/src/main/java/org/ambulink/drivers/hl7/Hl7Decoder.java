package org.ambulink.drivers.hl7;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.Location;
import ca.uhn.hl7v2.Version;
import ca.uhn.hl7v2.model.Structure;
import ca.uhn.hl7v2.model.v26.datatype.HD;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.MSH;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.ModelClassFactory;
import ca.uhn.hl7v2.parser.ParserConfiguration;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.util.ReadOnlyMessageIterator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.ambulink.drivers.hl7.Hl7DecodeException.ErrorCondition;
import org.ambulink.drivers.model.DeviceIdentity;
import org.ambulink.drivers.model.MonitorMessage;

/**
 * Decodes HL7 v2 messages from patient monitors (IHE PCD-01 ORU^R01, WCM waveforms in ORU^R01 or
 * ORU^W01, PCD-04 alarms in ORU^R40) into a {@link MonitorMessage}, tolerating what real devices
 * get wrong and reporting what it dropped. Thread-safe and reusable: it holds one HAPI context and
 * parser, which are expensive to create.
 *
 * <p>HAPI parses every version into the v2.6 ORU_R01 structure ({@link
 * CanonicalModelClassFactory}); W01 and R40 share that shape. Waveform sample arrays are read from
 * the raw text instead (see {@link PreparedMessage}). Failures are {@link Hl7DecodeException}s with
 * AE (content) or AR (not HL7, unsupported type or version), never anything else, and never logged
 * here.
 */
public final class Hl7Decoder {
  private static final List<String> EVENTS = List.of("R01", "W01", "R40");

  private final PipeParser parser;
  private final ModelClassFactory classes;
  private final ZoneId zone;

  /** A decoder that reads timestamps without an offset as UTC. */
  public Hl7Decoder() {
    this(ZoneOffset.UTC);
  }

  /**
   * @param zoneForTimesWithoutOffset how to read timestamps that carry no offset (devices set to
   *     local time often omit it); use the zone the monitors' clocks are set to
   */
  public Hl7Decoder(ZoneId zoneForTimesWithoutOffset) {
    this.zone = Objects.requireNonNull(zoneForTimesWithoutOffset, "zoneForTimesWithoutOffset");
    this.classes = new CanonicalModelClassFactory("2.6");
    HapiContext hapi = new DefaultHapiContext(classes);
    hapi.setValidationContext(ValidationContextFactory.noValidation());
    ParserConfiguration config = hapi.getParserConfiguration();
    config.setValidating(false);
    // Unknown or missing OBX-2 must not stop the parse: intake reports those rows itself.
    config.setInvalidObx2Type("ST");
    config.setDefaultObx2Type("ST");
    this.parser = hapi.getPipeParser();
  }

  /**
   * @throws Hl7DecodeException AR when the text is not HL7, has no MSH, broken encoding characters,
   *     or a message type or version intake does not take; AE when it is understood but its content
   *     cannot be used (no OBX, bad MSH-7, no device id)
   */
  public MonitorMessage decode(String rawMessage) throws Hl7DecodeException {
    MessageHeader header = MessageHeader.peek(rawMessage);
    try {
      return decode(rawMessage, header);
    } catch (HL7Exception e) {
      throw new Hl7DecodeException(
          AckCode.AR,
          ErrorCondition.SEGMENT_SEQUENCE,
          "HAPI could not parse the message structure" + where(e) + ".",
          header);
    } catch (RuntimeException e) {
      // A bug or a HAPI surprise: say where, but not the exception text (it may quote values).
      StackTraceElement top = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
      throw new Hl7DecodeException(
          AckCode.AE,
          ErrorCondition.APP_ERROR,
          "The message could not be decoded ("
              + e.getClass().getSimpleName()
              + (top == null ? "" : " at " + top.getClassName() + ":" + top.getLineNumber())
              + ").",
          header);
    }
  }

  private MonitorMessage decode(String raw, MessageHeader header)
      throws Hl7DecodeException, HL7Exception {
    String text = Er7.normalize(raw);
    if (!text.startsWith("MSH")) {
      throw new Hl7DecodeException(
          AckCode.AR,
          ErrorCondition.SEGMENT_SEQUENCE,
          "The message does not start with an MSH segment (MSH was found later in the text).",
          header);
    }
    int mshEnd = text.indexOf('\r');
    Delimiters d;
    try {
      d = Delimiters.strict(mshEnd < 0 ? text : text.substring(0, mshEnd));
    } catch (IllegalArgumentException e) {
      throw new Hl7DecodeException(AckCode.AR, ErrorCondition.DATA_TYPE, e.getMessage(), header);
    }
    String messageType = checkHeader(header);
    PreparedMessage prepared = PreparedMessage.of(text, d);
    if (prepared.obxCount() == 0) {
      throw new Hl7DecodeException(
          AckCode.AE,
          ErrorCondition.SEGMENT_SEQUENCE,
          "The " + messageType + " message has no OBX segment, so it carries no data to keep.",
          header);
    }
    ORU_R01 message = new ORU_R01(classes);
    message.setParser(parser);
    parser.parse(message, prepared.hapiText());

    List<ObxRow> rows = new ArrayList<>(prepared.obxCount());
    String firstObrTime = null;
    ObxRow.ObrContext obr = null;
    int obrCount = 0;
    Iterator<Structure> segments = ReadOnlyMessageIterator.createPopulatedSegmentIterator(message);
    while (segments.hasNext()) {
      Structure s = segments.next();
      if (s instanceof OBR o) {
        obrCount++;
        String time = Cwe.trim(o.getObr7_ObservationDateTime().getValue());
        firstObrTime = firstObrTime == null ? time : firstObrTime;
        obr =
            new ObxRow.ObrContext(
                obrCount,
                time,
                Cwe.trim(o.getObr3_FillerOrderNumber().getEi1_EntityIdentifier().getValue()));
      } else if (s instanceof OBX x) {
        rows.add(ObxRow.of(x, prepared, obr));
      }
    }
    MSH msh = message.getMSH();
    Instant messageTime = messageTime(msh, firstObrTime, header);
    DeviceIdentity device = device(msh.getMsh3_SendingApplication(), rows, header);
    DecodeContext ctx = new DecodeContext(device, messageTime, zone);

    if (messageType.equals("ORU^R40")) {
      AlarmExtractor alarms = new AlarmExtractor(ctx);
      alarms.extract(rows);
      return new MonitorMessage(
          Cwe.trim(msh.getMsh10_MessageControlID().getValue()),
          messageType,
          device,
          messageTime,
          List.of(),
          List.of(),
          alarms.alarms(),
          ctx.dropped());
    }
    ObservationExtractor observations = new ObservationExtractor(ctx, d);
    observations.extract(rows);
    return new MonitorMessage(
        Cwe.trim(msh.getMsh10_MessageControlID().getValue()),
        messageType,
        device,
        messageTime,
        observations.observations(),
        observations.waveforms().segments(),
        List.of(),
        ctx.dropped());
  }

  /** Checks MSH-9, -10 and -12; returns the message type as {@code ORU^R01}. */
  private static String checkHeader(MessageHeader h) throws Hl7DecodeException {
    String type = h.messageType();
    String code = Er7.part(type, '^', 0).trim();
    String event = Er7.part(type, '^', 1).trim();
    if (type.isBlank()) {
      throw new Hl7DecodeException(
          AckCode.AR,
          ErrorCondition.REQUIRED_FIELD_MISSING,
          "MSH-9 message type is empty; intake takes ORU^R01, ORU^W01 and ORU^R40.",
          h);
    }
    if (!code.equals("ORU") || !EVENTS.contains(event)) {
      throw new Hl7DecodeException(
          AckCode.AR,
          ErrorCondition.UNSUPPORTED_MESSAGE_TYPE,
          "Message type '"
              + type
              + "' is not supported; intake takes ORU^R01, ORU^W01 and ORU^R40 from monitors.",
          h);
    }
    if (h.version().isEmpty()) {
      throw new Hl7DecodeException(
          AckCode.AR,
          ErrorCondition.UNSUPPORTED_VERSION,
          "MSH-12 version id is empty; send 2.6 (IHE PCD) or another HL7 v2 version.",
          h);
    }
    if (Version.versionOf(h.version()) == null) {
      throw new Hl7DecodeException(
          AckCode.AR,
          ErrorCondition.UNSUPPORTED_VERSION,
          "HL7 version '"
              + h.version()
              + "' in MSH-12 is not supported (2.1 to 2.8.1; PCD uses 2.6).",
          h);
    }
    if (h.controlId().isEmpty()) {
      throw new Hl7DecodeException(
          AckCode.AR,
          ErrorCondition.REQUIRED_FIELD_MISSING,
          "MSH-10 message control id is empty, so the message cannot be acknowledged by id.",
          h);
    }
    return code + "^" + event;
  }

  private Instant messageTime(MSH msh, String firstObrTime, MessageHeader h)
      throws Hl7DecodeException {
    String t = Cwe.trim(msh.getMsh7_DateTimeOfMessage().getValue());
    String field = "MSH-7 message time";
    if (t.isEmpty()) {
      if (firstObrTime == null || firstObrTime.isEmpty()) {
        throw new Hl7DecodeException(
            AckCode.AE,
            ErrorCondition.REQUIRED_FIELD_MISSING,
            "MSH-7 message time is empty and there is no OBR-7 to fall back on.",
            h);
      }
      t = firstObrTime;
      field = "OBR-7 observation time (used because MSH-7 is empty)";
    }
    try {
      return Hl7Time.parse(t, zone);
    } catch (IllegalArgumentException e) {
      throw new Hl7DecodeException(
          AckCode.AE,
          ErrorCondition.DATA_TYPE,
          field + " '" + t + "' is not an HL7 timestamp (YYYYMMDDHHMMSS[.SSSS][+/-ZZZZ]).",
          h);
    }
  }

  /**
   * The sending device: equipment id from the MDS header row's OBX-18, else MSH-3 (universal id,
   * else namespace), else the first OBX-18 of the message; name from MSH-3's namespace.
   */
  private static DeviceIdentity device(HD msh3, List<ObxRow> rows, MessageHeader h)
      throws Hl7DecodeException {
    String namespace = Cwe.trim(msh3.getHd1_NamespaceID().getValue());
    String universal = Cwe.trim(msh3.getHd2_UniversalID().getValue());
    String id = "";
    for (ObxRow r : rows) {
      if (r.isHeader() && isMds(r) && !r.equipmentId().isEmpty()) {
        id = r.equipmentId();
        break;
      }
    }
    if (id.isEmpty()) {
      id = universal.isEmpty() ? namespace : universal;
    }
    if (id.isEmpty()) {
      for (ObxRow r : rows) {
        if (!r.equipmentId().isEmpty()) {
          id = r.equipmentId();
          break;
        }
      }
    }
    if (id.isEmpty()) {
      throw new Hl7DecodeException(
          AckCode.AE,
          ErrorCondition.REQUIRED_FIELD_MISSING,
          "The sending device cannot be identified: MSH-3 and every OBX-18 are empty.",
          h);
    }
    return new DeviceIdentity(id, id.equals(namespace) ? "" : namespace, "", "");
  }

  /** The MDS row of the device tree: an {@code _MDS} term, or path {@code n} / {@code n.0.0.0}. */
  private static boolean isMds(ObxRow r) {
    return r.id().text().endsWith("_MDS") || r.path().matches("\\d+(\\.0)*");
  }

  private static String where(HL7Exception e) {
    Location l = e.getLocation();
    if (l == null || l.isUnknown() || l.getSegmentName() == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(" at ").append(l.getSegmentName());
    if (l.getSegmentRepetition() > 0) {
      b.append('[').append(l.getSegmentRepetition()).append(']');
    }
    if (l.getField() > 0) {
      b.append('-').append(l.getField());
    }
    return b.toString();
  }
}
