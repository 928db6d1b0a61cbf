import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';

export class LoginDisabled extends DomainError {
  constructor() {
    super(HttpStatus.SERVICE_UNAVAILABLE, 'login_disabled', 'Facebook login is not configured on this server (FACEBOOK_APP_ID is unset)');
  }
}

export class InvalidLoginState extends DomainError {
  constructor() {
    super(HttpStatus.UNAUTHORIZED, 'invalid_state', 'The login state is missing, forged, expired or already used; start the login again');
  }
}

export class LoginDenied extends DomainError {
  constructor() {
    super(HttpStatus.UNAUTHORIZED, 'login_denied', 'The login was denied at Facebook');
  }
}

export class LoginFailed extends DomainError {
  constructor() {
    super(HttpStatus.BAD_GATEWAY, 'login_failed', 'Facebook did not complete the login; try again');
  }
}
