package org.ambulink.systemtests;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * {@link LiveSessionTest} with the console's relay-only policy ({@code iceTransportPolicy: relay}):
 * the coturn relay is the only path between the appliance and the browser (checked in the browser's
 * own stats), and between the live tests the relay is stopped for 30 s while the monitor keeps
 * sending, then started again on the same ports: the session must recover on its own and the
 * viewer's record must have no gap (the journal comparison runs after it).
 */
class LiveSessionRelayOnlyTest extends LiveSessionTest {
  @Override
  boolean relayOnly() {
    return true;
  }

  @Test
  @Order(2)
  void aThirtySecondRelayOutageRecoversOnItsOwnWithNoGap() throws Exception {
    relayOutage();
  }
}
