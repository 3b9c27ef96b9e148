package org.ambulink.console.testing;

import org.ambulink.testsupport.PostgresServer;

/**
 * The databases the console runs on: a real PostgreSQL (production's; one server shared by the test
 * JVM, a fresh database per console) and H2 in PostgreSQL mode (the demo's zero-setup default). A
 * test class parameterized by this runs the same assertions on both.
 */
public enum Backend {
  POSTGRESQL,
  H2;

  /**
   * A console builder on a fresh, empty database of this kind; {@code name} names it (PostgreSQL
   * databases get a number appended).
   */
  public ConsoleServer.Builder console(String name) {
    ConsoleServer.Builder b = ConsoleServer.builder();
    if (this == POSTGRESQL) {
      PostgresServer pg = PostgresServer.shared();
      String db = pg.createDatabase(name);
      b.database(pg.jdbcUrl(db), pg.user(), pg.password());
    }
    return b;
  }
}
