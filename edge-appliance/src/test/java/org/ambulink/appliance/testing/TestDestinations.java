package org.ambulink.appliance.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.TestPropertySource;

/**
 * Two configured destinations instead of the shipped ones: {@code st-elsewhere} (St. Elsewhere ED)
 * and {@code county-general} (County General ED).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestPropertySource(
    properties = {
      "ambulink.transport.destinations[0].id=st-elsewhere",
      "ambulink.transport.destinations[0].name=St. Elsewhere ED",
      "ambulink.transport.destinations[0].latitude=42.33",
      "ambulink.transport.destinations[0].longitude=-71.1",
      "ambulink.transport.destinations[1].id=county-general",
      "ambulink.transport.destinations[1].name=County General ED",
      "ambulink.transport.destinations[1].latitude=42.36",
      "ambulink.transport.destinations[1].longitude=-71.06"
    })
public @interface TestDestinations {}
