package org.ambulink.appliance.ehr;

import java.util.List;
import org.ambulink.appliance.transport.Transport;

/**
 * Builds the transport's record for the hospital EHR at handover: FHIR R4 {@code transaction}
 * Bundles as JSON, ready to be posted to {@code ambulink.ehr.base-url}. A long transport may need
 * several bundles (parts), posted in order.
 *
 * <p>Every entry must carry {@code request.ifNoneExist} (a search on a stable identifier), so that
 * posting the same bundle again, e.g. after a reboot in the middle of a delivery, creates nothing
 * twice. Bundles are journaled (encrypted) as the EHR outbox and never logged.
 */
@FunctionalInterface
public interface HandoverBundles {

  /**
   * The transport's record as one or more transaction Bundles (JSON).
   *
   * @throws RuntimeException when the record cannot be built; its message is shown to the crew (the
   *     handover stands, the EHR tile says FAILED)
   */
  List<String> build(Transport transport);

  /**
   * What the appliance uses when no FHIR mapper is wired in: it fails clearly instead of sending
   * something made up.
   */
  static HandoverBundles unconfigured() {
    return t -> {
      throw new IllegalStateException(
          "no FHIR mapper configured on this appliance: the transport record cannot be built for"
              + " the EHR");
    };
  }
}
