#!/usr/bin/env node
// The bundled CLI (scripts/bundle-cli.mjs): one file to load, each command's code on demand.
import { main } from '../dist/bin/labwarden.mjs';

// `labwarden status | head -1`: the reader left, the rest of the output has nowhere to go.
// Finish the command (writes are atomic anyway) instead of crashing on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
