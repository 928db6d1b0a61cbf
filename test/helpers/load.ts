import { Agent, request as httpRequest } from 'node:http';

/** One request's fate: an HTTP status, or the socket error code (ECONNREFUSED, ECONNRESET, ...). */
export interface Outcome {
  /** When it was sent, ms since the epoch. */
  at: number;
  /** How long it took to answer or fail. */
  ms: number;
  status: number | string;
  /** `METHOD path` of the request. */
  call: string;
  code?: string;
  retryAfter?: string;
  /** The parsed JSON body, if any. */
  body?: unknown;
}

export interface Call {
  method?: string;
  path: string;
  body?: unknown;
}

/** One HTTP request over `agent` (keep-alive: a response with `Connection: close` is not reused). */
export function call(base: string, agent: Agent, c: Call, timeoutMs = 5000): Promise<Outcome> {
  const at = Date.now();
  const name = `${c.method ?? 'GET'} ${c.path}`;
  const body = c.body === undefined ? undefined : JSON.stringify(c.body);
  return new Promise((resolve) => {
    const req = httpRequest(
      `${base}${c.path}`,
      { method: c.method ?? 'GET', agent, headers: body ? { 'Content-Type': 'application/json' } : {}, timeout: timeoutMs },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          const code = (body as { code?: unknown } | undefined)?.code;
          const retryAfter = res.headers['retry-after'];
          resolve({ at, ms: Date.now() - at, status: res.statusCode ?? 0, call: name, code: typeof code === 'string' ? code : undefined, retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined, body });
        });
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ at, ms: Date.now() - at, status: err.code ?? err.message, call: name }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ at, ms: Date.now() - at, status: err.code ?? err.message, call: name }));
    req.end(body);
  });
}

export interface Load {
  /** Stops sending and resolves with every outcome, in the order they were sent per worker. */
  stop(): Promise<Outcome[]>;
  outcomes: Outcome[];
}

/**
 * `concurrency` clients, each sending `next(i)` in a loop as soon as the previous one answered,
 * over keep-alive connections, until stopped.
 */
export function startLoad(base: string, concurrency: number, next: (i: number) => Call, opts: { pauseMs?: number; timeoutMs?: number } = {}): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const outcomes: Outcome[] = [];
  let running = true;
  let n = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) {
      outcomes.push(await call(base, agent, next(n++), opts.timeoutMs));
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    }
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return outcomes;
    },
  };
}

/** Polls `path` every `everyMs` until `done(outcome)` or `timeoutMs`; resolves with the outcome that satisfied it, or null. */
export async function pollUntil(base: string, c: Call, done: (o: Outcome) => boolean, opts: { everyMs?: number; timeoutMs?: number } = {}): Promise<Outcome | null> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  try {
    while (Date.now() < deadline) {
      const o = await call(base, agent, c, 3000);
      if (done(o)) return o;
      await new Promise((r) => setTimeout(r, opts.everyMs ?? 20));
    }
    return null;
  } finally {
    agent.destroy();
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The messages of a spied-on Logger method: a line may be a string or, with the request's id on it,
 * `{ requestId, msg }` (the exception filter's first line of each kind).
 */
export function loggedMessages(spy: jest.SpyInstance): string[] {
  return spy.mock.calls.map(([m]: unknown[]) => (typeof m === 'string' ? m : String((m as { msg?: unknown } | null)?.msg ?? m)));
}
