package org.ambulink.appliance;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The vehicle appliance: monitor intake, health and metrics. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ApplianceApplication {

  public static void main(String[] args) {
    SpringApplication.run(ApplianceApplication.class, args);
  }
}
