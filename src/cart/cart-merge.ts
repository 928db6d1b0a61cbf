import type { CartLine } from './cart.repository';

/**
 * Merging an anonymous cart into a user's cart at login (pure): per product the quantities add up,
 * clamped to the stock, but a line the user already had is never lowered. Products that no longer
 * exist (absent from `stockById`) are skipped. Returns the lines to set on the user's cart.
 */
export function mergeLines(userLines: CartLine[], anonymousLines: CartLine[], stockById: Map<number, number>): CartLine[] {
  const mine = new Map(userLines.map((l) => [l.pid, l.quantity]));
  const changes: CartLine[] = [];
  for (const line of anonymousLines) {
    const stock = stockById.get(line.pid);
    if (stock === undefined) continue;
    const had = mine.get(line.pid) ?? 0;
    const target = Math.max(had, Math.min(had + line.quantity, stock));
    if (target > had) changes.push({ pid: line.pid, quantity: target });
  }
  return changes;
}
