// Builds dist/ (server and Export Center page) when it is missing or older than any source file, silently otherwise,
// so `npm start` and `npm run -s cli` work straight after `npm ci`.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', 'src', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

const sources = ['src', 'bench', 'web'].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d));
const sourceMtime = Math.max(...sources.map(newestMtime), fs.statSync(path.join(root, 'package.json')).mtimeMs);
const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (built < sourceMtime) {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  execFileSync(process.execPath, [path.join(__dirname, 'build-web.js')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  fs.utimesSync(stamp, new Date(), new Date());
}
