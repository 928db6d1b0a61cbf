import type { FastifyInstance } from 'fastify';

// Requests answered before any route or hook ran (request-errors.ts): the Fastify hooks that write
// the request log line and the metrics never see them, so those listen here.

/** A request answered before any route or hook ran: what the request log and the metrics are told of it. */
export interface Refusal {
  requestId: string;
  /** null when Node's parser refused the request line itself. */
  method: string | null;
  status: number;
  seconds: number;
}

/** Per Fastify instance: the request log and the metrics each listen, since their hooks never see these requests. */
const refusalListeners = new WeakMap<object, ((refusal: Refusal) => void)[]>();

/** Calls `listener` for each request this instance answers before a route runs (request-errors.ts). */
export function onRefusal(fastify: FastifyInstance, listener: (refusal: Refusal) => void): void {
  refusalListeners.set(fastify, [...(refusalListeners.get(fastify) ?? []), listener]);
}

/** Tells the instance's listeners of a request it refused. */
export function tellRefusal(fastify: object, refusal: Refusal): void {
  for (const listener of refusalListeners.get(fastify) ?? []) listener(refusal);
}
