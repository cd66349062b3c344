// Builds the Export Center page: web/src (TypeScript, the project's own tsc) and web/public into dist/web.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'web/tsconfig.json'], { cwd: root, stdio: 'inherit' });
fs.cpSync(path.join(root, 'web', 'public'), path.join(root, 'dist', 'web'), { recursive: true });
