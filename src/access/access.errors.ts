import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';

/** No credentials, or credentials that do not identify anyone. */
export class Unauthorized extends DomainError {
  constructor(message: string) {
    super(HttpStatus.UNAUTHORIZED, 'unauthorized', message);
  }
}

/** A known caller who may not do this. */
export class Forbidden extends DomainError {
  constructor(message: string) {
    super(HttpStatus.FORBIDDEN, 'forbidden', message);
  }
}
