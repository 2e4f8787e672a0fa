#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// `labwarden status | head` closes the pipe early: finish the command quietly, as other CLIs do,
// rather than dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
