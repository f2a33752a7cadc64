/** The process entry: `bin/mcpwatch.js` loads the built copy of this file; tests run it through tsx. */
import { main } from './main.js';
import { quietWhenClosed } from './closed-output.js';

quietWhenClosed(process.stdout);
quietWhenClosed(process.stderr);
process.exitCode = await main(process.argv);
