package org.ambulink.drivers.model;

import java.util.Objects;

/**
 * Who sent the data: the monitor's equipment id (OBX-18 or MSH-3, often an EUI-64) and what is
 * known of its make. Fields other than the id may be empty, never null.
 */
public record DeviceIdentity(String equipmentId, String name, String manufacturer, String model) {
  public DeviceIdentity {
    Objects.requireNonNull(equipmentId, "equipmentId");
    if (equipmentId.isBlank()) {
      throw new IllegalArgumentException("device equipment id must not be blank");
    }
    name = Objects.toString(name, "");
    manufacturer = Objects.toString(manufacturer, "");
    model = Objects.toString(model, "");
  }

  public static DeviceIdentity of(String equipmentId) {
    return new DeviceIdentity(equipmentId, "", "", "");
  }
}
