/** The process entry: `bin/mcpwatch.js` loads the built copy of this file; tests run it through tsx. */
import { main } from './main.js';

process.exitCode = await main(process.argv);
