package org.ambulink.appliance.transport;

/** Triage acuity as the five Emergency Severity Index levels, 1 the most urgent. */
public enum Acuity {
  RESUSCITATION(1),
  EMERGENT(2),
  URGENT(3),
  LESS_URGENT(4),
  NON_URGENT(5);

  public final int esiLevel;

  Acuity(int esiLevel) {
    this.esiLevel = esiLevel;
  }

  public static Acuity ofEsi(int level) {
    for (Acuity a : values()) {
      if (a.esiLevel == level) {
        return a;
      }
    }
    throw new IllegalArgumentException("acuity must be an ESI level from 1 to 5, was " + level);
  }
}
