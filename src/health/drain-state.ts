import { Injectable } from '@nestjs/common';

/** Set once, on SIGTERM/SIGINT (see common/http/graceful-shutdown.ts): readiness then answers 503 at once. */
@Injectable()
export class DrainState {
  private since: number | null = null;

  begin(): void {
    this.since ??= Date.now();
  }

  get draining(): boolean {
    return this.since !== null;
  }
}
