package dev.vigile.common.web;

import dev.vigile.common.problem.ApplicationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.Set;

/**
 * Validates request bodies in the resource method rather than through {@code @Valid @NotNull} on
 * its parameter: Payara's OpenAPI generator fails on bean-validation annotations on entity
 * parameters (payara/Payara#7649), which would break {@code /openapi}.
 */
@ApplicationScoped
public class Bodies {
    @Inject
    Validator validator;

    /** The body, if present and valid; otherwise a 400 naming each bad field. */
    public <T> T check(T body) {
        if (body == null) {
            throw ApplicationException.badRequest("A JSON body is required.");
        }
        Set<ConstraintViolation<T>> violations = validator.validate(body);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return body;
    }
}
