package org.ambulink.drivers.transport.tcp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.ambulink.drivers.intake.LinkListener;

/** Records link events, thread-safely, as {@code "kind peer: detail"} lines. */
class RecordingLinkListener implements LinkListener {
  final List<String> events = new CopyOnWriteArrayList<>();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong garbage = new AtomicLong();

  @Override
  public void connected(String peer) {
    events.add("connected " + peer);
  }

  @Override
  public void disconnected(String peer, String reason) {
    events.add("disconnected " + peer + ": " + reason);
  }

  @Override
  public void bytesReceived(String peer, int count) {
    bytes.addAndGet(count);
  }

  @Override
  public void garbageSkipped(String peer, int count) {
    garbage.addAndGet(count);
  }

  @Override
  public void frameRejected(String peer, String reason) {
    events.add("rejected " + peer + ": " + reason);
  }

  @Override
  public void silent(String peer, Duration silentFor) {
    events.add("silent " + peer + ": " + silentFor);
  }

  List<String> ofKind(String kind) {
    return events.stream().filter(e -> e.startsWith(kind + " ")).toList();
  }
}
