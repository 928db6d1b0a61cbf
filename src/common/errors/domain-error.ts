import { HttpStatus } from '@nestjs/common';

/**
 * A refusal the API reports on purpose: an HTTP status, a machine-readable `code`, a message for
 * people and optional `details`. The exception filter turns it into the one error shape.
 */
export class DomainError extends Error {
  constructor(
    readonly status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Extra top-level fields some existing clients read (e.g. `instock` on out_of_stock). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class ValidationFailed extends DomainError {
  constructor(problems: FieldProblem[]) {
    const message = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    super(HttpStatus.BAD_REQUEST, 'validation_failed', message || 'invalid input', problems);
  }

  static field(field: string, message: string): ValidationFailed {
    return new ValidationFailed([{ field, message }]);
  }
}

export class NotFound extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super(HttpStatus.NOT_FOUND, code, message, details);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, message: string, details?: unknown, extra?: Record<string, unknown>) {
    super(HttpStatus.CONFLICT, code, message, details, extra);
  }
}
