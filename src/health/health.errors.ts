import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';

export class NotReady extends DomainError {
  constructor(down: string[], details: Record<string, { status: string }>) {
    super(HttpStatus.SERVICE_UNAVAILABLE, 'not_ready', `Not ready: ${down.join(', ')} down`, details);
  }
}

/** SIGTERM/SIGINT received: the process finishes what it has and stops; send nothing new. */
export class Draining extends DomainError {
  constructor() {
    super(HttpStatus.SERVICE_UNAVAILABLE, 'not_ready', 'Not ready: shutting down', { draining: true });
  }
}
