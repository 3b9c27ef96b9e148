package org.ambulink.drivers.intake;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.ambulink.drivers.hl7.AckCode;
import org.ambulink.drivers.hl7.Hl7Acks;
import org.ambulink.drivers.hl7.Hl7DecodeException;
import org.ambulink.drivers.hl7.Hl7Decoder;
import org.ambulink.drivers.hl7.MessageHeader;
import org.ambulink.drivers.model.MonitorMessage;

/**
 * The intake pipeline behind every transport: decode one HL7 frame, hand the message to the sink
 * (which stores it), and answer with an ACK only once the sink says it is kept. Content errors get
 * {@code AE}, messages that are not ours to read get {@code AR}, and a sink failure gets {@code AR}
 * (not the message's fault: the monitor may send it again). Nothing here throws: every frame gets
 * an answer and the connection stays up.
 */
public final class MonitorIntake implements FrameHandler {

  /** Where accepted messages go; the returned stage completes once the message is kept. */
  @FunctionalInterface
  public interface Sink {
    CompletionStage<Void> accept(MonitorMessage message, String peer);
  }

  /** Told about every outcome, for metrics and health; callbacks must be quick. */
  public interface Observer {
    default void accepted(MonitorMessage message, String peer) {}

    default void rejected(String peer, AckCode code, String reason) {}

    default void storeFailed(MonitorMessage message, String peer, Throwable cause) {}

    Observer NONE = new Observer() {};
  }

  private final Hl7Decoder decoder;
  private final Sink sink;
  private final Observer observer;

  public MonitorIntake(Hl7Decoder decoder, Sink sink, Observer observer) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public CompletionStage<byte[]> onFrame(byte[] payload, String peer) {
    // PCD-01 mandates UTF-8; a monitor that sends Latin-1 loses only non-ASCII text fields.
    String text = new String(payload, StandardCharsets.UTF_8);
    MonitorMessage message;
    try {
      message = decoder.decode(text);
    } catch (Hl7DecodeException e) {
      observer.rejected(peer, e.ackCode(), e.getMessage());
      return CompletableFuture.completedFuture(bytes(Hl7Acks.ackFor(e)));
    }
    MessageHeader header = headerOf(text);
    CompletionStage<Void> stored;
    try {
      stored = sink.accept(message, peer);
    } catch (RuntimeException e) {
      stored = CompletableFuture.failedFuture(e);
    }
    return stored.handle(
        (ok, error) -> {
          if (error == null) {
            observer.accepted(message, peer);
            return bytes(Hl7Acks.ack(header, AckCode.AA, ""));
          }
          Throwable cause =
              error instanceof CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          observer.storeFailed(message, peer, cause);
          return bytes(
              Hl7Acks.ack(
                  header,
                  AckCode.AR,
                  "the appliance could not store message "
                      + message.controlId()
                      + " ("
                      + cause.getClass().getSimpleName()
                      + "); send it again"));
        });
  }

  private static MessageHeader headerOf(String text) {
    try {
      return MessageHeader.peek(text);
    } catch (Hl7DecodeException e) {
      // decode() succeeded, so MSH is there; this cannot happen short of a decoder bug.
      throw new IllegalStateException("decoded message has no readable MSH", e);
    }
  }

  private static byte[] bytes(String ack) {
    return ack.getBytes(StandardCharsets.UTF_8);
  }
}
