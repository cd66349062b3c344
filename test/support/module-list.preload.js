// Preloaded into a service process (NODE_OPTIONS=--require ...): when it exits, writes the path of
// every CommonJS module it loaded, one a line, to MODULE_LIST_FILE.
const { writeFileSync } = require('node:fs');

process.on('exit', () => writeFileSync(process.env.MODULE_LIST_FILE, Object.keys(require.cache).join('\n')));
