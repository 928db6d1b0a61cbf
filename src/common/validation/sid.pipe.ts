import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailed } from '../errors/domain-error';
import { SID_PATTERN } from './decorators';

/** A cart session id from the path or query, or 400 `validation_failed` on `sid`. */
@Injectable()
export class SidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !SID_PATTERN.test(value)) {
      throw ValidationFailed.field('sid', 'sid must be 1-128 characters of A-Z a-z 0-9 . _ ~ -');
    }
    return value;
  }
}
