package org.ambulink.appliance.ehr;

import java.time.Instant;

/**
 * A transport's EHR delivery as kept in the journal's clear-text bookkeeping under {@code
 * ehr/<transportId>}: state, outbox position and counters, and never patient data or a server's
 * message. Stored as {@code state|seq|attempts|lastStatus|parts|partsDelivered|created|matched|
 * updatedAtMillis}.
 *
 * @param state where the delivery is
 * @param seq the outbox's sequence number in the transport's stream (its first part; the parts
 *     follow it); a lower bound while the append is not yet confirmed
 * @param attempts posts tried so far, all parts together
 * @param lastStatus what the last attempt ended with: an HTTP status, or a word ({@code timeout},
 *     {@code connect}, {@code io}, {@code breaker}, {@code build}, {@code outbox}, {@code
 *     response}, {@code token-<status>}, {@code attempts}); {@code -} before the first attempt
 * @param parts how many bundles the record has
 * @param partsDelivered how many of them the EHR has accepted, in order (never posted again)
 * @param created resources the EHR created (entries answered 201)
 * @param matched resources the EHR already had (entries answered 200, ifNoneExist matched)
 * @param updatedAt when this was last written
 */
record EhrBookkeeping(
    State state,
    long seq,
    int attempts,
    String lastStatus,
    int parts,
    int partsDelivered,
    int created,
    int matched,
    Instant updatedAt) {

  enum State {
    PENDING,
    DELIVERED,
    FAILED
  }

  static final String NONE = "-";

  EhrBookkeeping {
    lastStatus = lastStatus == null || lastStatus.isBlank() ? NONE : lastStatus;
    if (lastStatus.indexOf('|') >= 0) {
      throw new IllegalArgumentException("bad status word '" + lastStatus + "'");
    }
  }

  static EhrBookkeeping pending(long seq, int parts, Instant now) {
    return new EhrBookkeeping(State.PENDING, seq, 0, NONE, parts, 0, 0, 0, now);
  }

  EhrBookkeeping withSeq(long newSeq) {
    return new EhrBookkeeping(
        state, newSeq, attempts, lastStatus, parts, partsDelivered, created, matched, updatedAt);
  }

  EhrBookkeeping attempted(String status, Instant now) {
    return new EhrBookkeeping(
        state, seq, attempts + 1, status, parts, partsDelivered, created, matched, now);
  }

  EhrBookkeeping partDelivered(int newCreated, int newMatched, Instant now) {
    return new EhrBookkeeping(
        state,
        seq,
        attempts,
        lastStatus,
        parts,
        partsDelivered + 1,
        created + newCreated,
        matched + newMatched,
        now);
  }

  EhrBookkeeping delivered(Instant now) {
    return new EhrBookkeeping(
        State.DELIVERED, seq, attempts, lastStatus, parts, parts, created, matched, now);
  }

  EhrBookkeeping failed(String status, Instant now) {
    return new EhrBookkeeping(
        State.FAILED, seq, attempts, status, parts, partsDelivered, created, matched, now);
  }

  String format() {
    return state
        + "|"
        + seq
        + "|"
        + attempts
        + "|"
        + lastStatus
        + "|"
        + parts
        + "|"
        + partsDelivered
        + "|"
        + created
        + "|"
        + matched
        + "|"
        + updatedAt.toEpochMilli();
  }

  /** Reads a stored value; null when it is not one (never written by this code). */
  static EhrBookkeeping parse(String value) {
    if (value == null) {
      return null;
    }
    String[] p = value.split("\\|", -1);
    if (p.length < 4) {
      return null;
    }
    try {
      return new EhrBookkeeping(
          State.valueOf(p[0]),
          Long.parseLong(p[1]),
          Integer.parseInt(p[2]),
          p[3],
          p.length > 4 ? Integer.parseInt(p[4]) : 1,
          p.length > 5 ? Integer.parseInt(p[5]) : 0,
          p.length > 6 ? Integer.parseInt(p[6]) : 0,
          p.length > 7 ? Integer.parseInt(p[7]) : 0,
          Instant.ofEpochMilli(p.length > 8 ? Long.parseLong(p[8]) : 0));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
