package org.ambulink.demoehr;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The demo's hospital EHR: a local FHIR R4 endpoint that accepts the appliance's handover
 * transaction bundles and lets a person see what arrived. A stand-in for someone else's server,
 * honest about the parts the appliance relies on (transactions, conditional create with
 * If-None-Exist, OperationOutcome on bad input) and nothing more; everything is kept in memory.
 */
@SpringBootApplication
public class DemoEhrApplication {
  public static void main(String[] args) {
    SpringApplication.run(DemoEhrApplication.class, args);
  }
}
