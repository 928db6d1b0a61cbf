import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { noteBody } from './request-context';

/** Leaves a handler's result on its response, for the metrics that count what a response says (the checkout's order with a coupon). */
@Injectable()
export class ResponseBodyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const res = context.switchToHttp().getResponse<unknown>();
    return next.handle().pipe(tap((body) => noteBody(res, body)));
  }
}
