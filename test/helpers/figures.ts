/**
 * The measured figures of a fault test (time to 503, recovery time, ...). Printed only when
 * FAULT_FIGURES is set (`FAULT_FIGURES=1 npx jest test/fault-`), to keep `npm test` quiet.
 */
export function figures(row: string, values: Record<string, number | string>): void {
  if (!process.env.FAULT_FIGURES) return;
  const lines = Object.entries(values).map(([k, v]) => `  ${k}: ${v}`);
  process.stderr.write(`\n[${row}]\n${lines.join('\n')}\n`);
}
