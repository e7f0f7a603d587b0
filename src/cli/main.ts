// `makini-writes` CLI (npm run cli -- <command>): one module per command under ./commands,
// dispatched by ./run.ts (`makini-writes --help` lists them).
import { runCli } from './run.js';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`makini-writes: ${(err as Error).message}`);
    process.exit(1);
  },
);
