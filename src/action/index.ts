import { runAction } from './main.js';

// The action's entry (bundled into dist/action/labwarden.mjs): everything the runner gives is
// in the environment; the exit code is the step's outcome.
process.exitCode = await runAction({ env: process.env, log: (line) => process.stdout.write(`${line}\n`) });
