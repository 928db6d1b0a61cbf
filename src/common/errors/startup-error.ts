/**
 * The service cannot start: a setting is invalid or a server it needs does not answer. main.ts prints
 * the message alone (one line naming the cause, no stack) and exits with status 1.
 */
export class StartupError extends Error {}

/** A server's URL without its credentials or options, to name it in messages: `redis://cache:6379/0`. */
export function serverName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'the configured URL';
  }
}
