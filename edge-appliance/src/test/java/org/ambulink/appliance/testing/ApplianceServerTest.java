package org.ambulink.appliance.testing;

import java.nio.file.Path;
import org.ambulink.testsupport.TempDirs;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole appliance on a free HTTP port, its MLLP/TCP listener on a free loopback port, and its
 * journal with a generated key in a folder of its own (removed when the test JVM exits: Spring may
 * close the context after JUnit's own temp dirs are gone). A test adds its own settings with
 * {@code @TestPropertySource}; its context is closed after the test class.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "ambulink.intake.mllp.port=0",
      "ambulink.intake.mllp.bind-address=127.0.0.1",
      "ambulink.journal.generate-key=true"
    })
@DirtiesContext
public abstract class ApplianceServerTest {

  @DynamicPropertySource
  static void journalDirectory(DynamicPropertyRegistry registry) {
    Path dir = TempDirs.create("appliance-journal");
    registry.add("ambulink.journal.directory", dir::toString);
  }

  @LocalServerPort protected int httpPort;

  /** The appliance's HTTP API. */
  protected ApplianceClient api;

  @BeforeEach
  void apiClient() {
    api = new ApplianceClient(httpPort);
  }
}
