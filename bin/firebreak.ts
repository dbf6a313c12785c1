import '../lib/local/promise-with-resolvers.js';
import { main } from './cli.js';

// A reader that stops early (`firebreak coverage --json | head`) closes the pipe: the output ends there, quietly, instead
// of an unhandled EPIPE stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
