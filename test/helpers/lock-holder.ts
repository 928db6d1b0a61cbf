// Holds the DATA_DIR lock given as argv[2] until killed (for data-dir-lock.spec.ts).
import { lockDataDir } from '../../src/database/data-dir-lock';

lockDataDir(process.argv[2], () => process.exit(3)).then(
  () => process.send?.('locked'),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
setInterval(() => undefined, 1000);
