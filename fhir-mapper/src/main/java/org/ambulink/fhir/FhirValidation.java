package org.ambulink.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationOptions;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Validates resources and bundles against FHIR R4 core and the profiles they claim (e.g. the
 * vital-signs profiles), offline: the core structure definitions, in-memory terminology and the
 * common code systems (UCUM, MIME types, languages). LOINC cannot be checked offline and gives
 * warnings; errors are what count. The appliance can check a bundle before it posts it.
 *
 * <p>Thread-safe. Build one and keep it: the first validation loads the definitions (about 5 s),
 * later ones take tens of milliseconds per resource.
 */
public final class FhirValidation {
  private static volatile FhirValidation shared;

  private final FhirValidator validator;

  /** A validator on the shared context. */
  public FhirValidation() {
    this(FhirR4.context());
  }

  public FhirValidation(FhirContext fhir) {
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(fhir),
            new InMemoryTerminologyServerValidationSupport(fhir),
            new CommonCodeSystemsTerminologyService(fhir),
            new SnapshotGeneratingValidationSupport(fhir));
    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
    this.validator = fhir.newValidator();
    validator.registerValidatorModule(instanceValidator);
  }

  /** One validator for the whole application, made on first use. */
  public static FhirValidation shared() {
    FhirValidation v = shared;
    if (v == null) {
      synchronized (FhirValidation.class) {
        v = shared;
        if (v == null) {
          v = new FhirValidation();
          shared = v;
        }
      }
    }
    return v;
  }

  /** One finding: its severity, where in the resource, and what. */
  public record Issue(ResultSeverityEnum severity, String location, String message) {
    @Override
    public String toString() {
      return severity.getCode() + " " + location + ": " + message;
    }
  }

  /**
   * What validation found.
   *
   * @param errors fatal and error findings: the resource is not valid while there is one
   * @param warnings warnings, e.g. LOINC codes that cannot be checked offline
   */
  public record Result(List<Issue> errors, List<Issue> warnings) {
    public Result {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }

    public boolean valid() {
      return errors.isEmpty();
    }
  }

  /** Validates against core and the profiles the resource claims in {@code meta.profile}. */
  public Result validate(IBaseResource resource) {
    return result(validator.validateWithResult(Objects.requireNonNull(resource, "resource")));
  }

  /** Validates against core, the claimed profiles and {@code profiles} (canonical URLs). */
  public Result validate(IBaseResource resource, String... profiles) {
    ValidationOptions options = new ValidationOptions();
    for (String p : profiles) {
      options.addProfile(p);
    }
    return result(validator.validateWithResult(resource, options));
  }

  private static Result result(ValidationResult r) {
    List<Issue> errors = new ArrayList<>();
    List<Issue> warnings = new ArrayList<>();
    for (SingleValidationMessage m : r.getMessages()) {
      Issue issue = new Issue(m.getSeverity(), m.getLocationString(), m.getMessage());
      switch (m.getSeverity()) {
        case FATAL, ERROR -> errors.add(issue);
        case WARNING -> warnings.add(issue);
        default -> {}
      }
    }
    return new Result(errors, warnings);
  }
}
