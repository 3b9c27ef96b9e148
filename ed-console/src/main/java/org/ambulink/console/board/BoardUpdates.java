package org.ambulink.console.board;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ambulink.console.board.TransportViews.LinkState;
import org.ambulink.console.board.TransportViews.Summary;
import org.ambulink.console.devices.DeviceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pushes changes to the open boards and live views (server-sent events). Changes are coalesced: one
 * dispatcher thread reads each changed transport once and sends it to every page that shows it, so
 * a burst of events from twenty ambulances costs one read per transport, not one per event per
 * viewer. A link that goes quiet is noticed by a once-a-second check, so "link down" appears
 * without any event arriving. Each summary is serialized once, however many pages get it.
 *
 * <p>It stops before the web server's graceful shutdown, completing the open streams: otherwise
 * they would hold the shutdown for its whole timeout.
 */
@Component
public class BoardUpdates implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(BoardUpdates.class);
  static final long EMITTER_TIMEOUT_MS = 30 * 60 * 1000L;

  private final TransportViews views;
  private final DeviceRegistry devices;
  private final JsonMapper json;
  private final Map<String, List<SseEmitter>> boards = new ConcurrentHashMap<>();
  private final Map<String, List<SseEmitter>> live = new ConcurrentHashMap<>();
  private final Map<String, LinkState> links = new ConcurrentHashMap<>();
  private final Set<String> pending = new LinkedHashSet<>();
  private final Thread dispatcher;
  private volatile boolean running = true;

  public BoardUpdates(TransportViews views, DeviceRegistry devices, JsonMapper json) {
    this.views = views;
    this.devices = devices;
    this.json = json;
    this.dispatcher = new Thread(this::dispatchLoop, "board-updates");
    this.dispatcher.setDaemon(true);
    this.dispatcher.start();
  }

  /** A board page for an ED: gets the whole board now, then every changed transport. */
  public SseEmitter subscribeBoard(String edId) {
    SseEmitter emitter = register(boards, edId);
    send(emitter, "board", json.writeValueAsString(views.board(edId)));
    return emitter;
  }

  /** A live view of one transport (the caller has checked that the viewer may see it). */
  public SseEmitter subscribeTransport(String transportId, Summary current) {
    SseEmitter emitter = register(live, transportId);
    send(emitter, "transport", json.writeValueAsString(current));
    return emitter;
  }

  /** Transports whose data changed; pages showing them are updated shortly. */
  public void changed(Collection<String> transportIds) {
    if (transportIds.isEmpty()) {
      return;
    }
    synchronized (pending) {
      pending.addAll(transportIds);
      pending.notifyAll();
    }
  }

  /** An appliance was heard from; its transports are updated when its link state changed. */
  public void deviceSeen(String deviceId) {
    devices.find(deviceId).ifPresent(d -> checkLink(d));
  }

  @Scheduled(fixedDelay = 1000)
  void watchLinks() {
    for (DeviceRegistry.Device d : devices.all()) {
      checkLink(d);
    }
  }

  @Scheduled(fixedDelay = 15_000)
  void keepAlive() {
    for (Map<String, List<SseEmitter>> m : List.of(boards, live)) {
      m.values().forEach(list -> list.forEach(e -> comment(e)));
    }
  }

  /** Open pages, for the status and the tests. */
  public int subscribers() {
    return boards.values().stream().mapToInt(List::size).sum()
        + live.values().stream().mapToInt(List::size).sum();
  }

  private void checkLink(DeviceRegistry.Device d) {
    LinkState now = views.linkState(d.lastSeenAt(), d.backlog());
    LinkState before = links.put(d.id(), now);
    if (before != now) {
      changed(views.activeOf(d.id()));
    }
  }

  private void dispatchLoop() {
    while (running) {
      Set<String> batch;
      synchronized (pending) {
        while (pending.isEmpty() && running) {
          try {
            pending.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        batch = new LinkedHashSet<>(pending);
        pending.clear();
      }
      for (String id : batch) {
        try {
          Optional<String> ed = views.destinationOf(id);
          if (ed.isEmpty()) {
            continue;
          }
          Optional<Summary> s = views.find(id, ed.get());
          if (s.isEmpty()) {
            continue;
          }
          String data = json.writeValueAsString(s.get());
          for (SseEmitter e : boards.getOrDefault(ed.get(), List.of())) {
            send(e, "transport", data);
          }
          for (SseEmitter e : live.getOrDefault(id, List.of())) {
            send(e, "transport", data);
          }
        } catch (RuntimeException e) {
          log.warn("could not update the pages showing transport {}: {}", id, e.toString());
        }
      }
    }
  }

  private static SseEmitter register(Map<String, List<SseEmitter>> map, String key) {
    SseEmitter emitter = new SseEmitter(EMITTER_TIMEOUT_MS);
    List<SseEmitter> list = map.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    list.add(emitter);
    Runnable remove = () -> list.remove(emitter);
    emitter.onCompletion(remove);
    emitter.onTimeout(remove);
    emitter.onError(t -> remove.run());
    return emitter;
  }

  private static void send(SseEmitter emitter, String name, String jsonData) {
    try {
      emitter.send(SseEmitter.event().name(name).data(jsonData));
    } catch (IOException | IllegalStateException gone) {
      emitter.completeWithError(gone);
    }
  }

  private static void comment(SseEmitter emitter) {
    try {
      emitter.send(SseEmitter.event().comment("keep-alive"));
    } catch (IOException | IllegalStateException gone) {
      emitter.completeWithError(gone);
    }
  }

  @Override
  public void start() {}

  @Override
  public boolean isRunning() {
    return running;
  }

  /** After the web server's graceful shutdown phase, i.e. stopped before it. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1;
  }

  @Override
  public void stop() {
    running = false;
    synchronized (pending) {
      pending.notifyAll();
    }
    for (Map<String, List<SseEmitter>> m : List.of(boards, live)) {
      m.values().forEach(list -> list.forEach(SseEmitter::complete));
    }
  }
}
