package org.ambulink.appliance.live;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * When the appliance decoded each live ECG frame, for the end-to-end latency benchmark
 * (docs/benchmarks.md): frame numbers and times only, no patient data.
 */
@RestController
class LiveController {
  private final LiveService live;

  LiveController(LiveService live) {
    this.live = live;
  }

  /** Frame number → decode time (µs since the epoch) for the frames in [from, to] still known. */
  @GetMapping("/api/live/decode-times")
  Map<String, Long> decodeTimes(@RequestParam long from, @RequestParam long to) {
    if (from < 0 || to < from || to - from >= 20_000) {
      throw new ResponseStatusException(
          HttpStatus.BAD_REQUEST,
          "from and to must satisfy 0 <= from <= to < from + 20000, got from="
              + from
              + " to="
              + to);
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (long s = from; s <= to; s++) {
      Long t = live.decodedAt(s);
      if (t != null) {
        out.put(Long.toString(s), t);
      }
    }
    return out;
  }
}
