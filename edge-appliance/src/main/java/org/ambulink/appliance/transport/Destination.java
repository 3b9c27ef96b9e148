package org.ambulink.appliance.transport;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;

/** A receiving Emergency Department the crew can choose, with where it is for the ETA. */
public record Destination(
    @NotBlank String id,
    @NotBlank String name,
    @DecimalMin("-90") @DecimalMax("90") double latitude,
    @DecimalMin("-180") @DecimalMax("180") double longitude) {}
