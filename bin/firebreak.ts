import '../lib/local/promise-with-resolvers.js';
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
