#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// `labwarden status | head -1`: the reader left, the rest of the output has nowhere to go.
// Finish the command (writes are atomic anyway) instead of crashing on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
