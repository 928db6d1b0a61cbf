import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { ValidationFailed } from '../errors/domain-error';
import { MAX_INT32 } from './decorators';

/** A positive integer id from the path, or 400 `validation_failed` naming the parameter. */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!(id >= 1 && id <= MAX_INT32)) throw ValidationFailed.field(metadata.data ?? 'id', 'must be a positive integer');
    return id;
  }
}

/** Documents a path id read by IdPipe: an integer from 1 to 2^31-1, with an example. */
export const IdParam = (name = 'id', description = 'A positive integer id') =>
  ApiParam({ name, description, schema: { type: 'integer', minimum: 1, maximum: MAX_INT32, example: 1 } });
