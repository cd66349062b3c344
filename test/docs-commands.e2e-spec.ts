import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { createTempDir } from './support/test-env';
import { startService } from './support/processes';
import type { ServiceProcess } from './support/processes';

/**
 * Keeps the README's and docs/' commands honest: every npm script, CLI verb and option, and every
 * curl route they show exists; and the README's tour runs as written against a started server.
 */
const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

interface Command {
  doc: string;
  text: string;
}

/** Each shell command of the docs' bash blocks, continuation lines joined and comments dropped. */
function documentedCommands(): Command[] {
  return DOCS.flatMap((doc) =>
    [...readFileSync(join(ROOT, doc), 'utf8').matchAll(/```bash\n([\s\S]*?)```/g)].flatMap((block) =>
      block[1]
        .replace(/\\\n\s*/g, ' ')
        .split('\n')
        .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
        .filter((line) => line.length > 0)
        .map((text) => ({ doc, text })),
    ),
  );
}

const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** `cli -- exports request --type X [--wait]` → verb `exports request`, options `--type`, `--wait`. */
function cliInvocations(command: Command): { verb: string[]; options: string[] }[] {
  return [...command.text.matchAll(/npm run -s cli -- ([^)|&;]*)/g)].map((match) => {
    const words = match[1].trim().split(/\s+/);
    const verb = [];
    for (const word of words) {
      if (!/^[a-z][a-z-]*$/.test(word) || (verb.length > 0 && verb[0] !== 'exports')) break;
      verb.push(word);
      if (verb.length === 2) break;
    }
    return { verb, options: [...match[1].matchAll(/(?:^|[\s[|])(--[a-z][a-z-]*)/g)].map((option) => option[1]) };
  });
}

/** `curl -X POST localhost:8000/api/exports/1/cancel` → `POST /api/exports/{}/cancel`. */
function curlRoutes(command: Command): string[] {
  if (!/^curl\s/.test(command.text)) return [];
  const method = /-X (\w+)/.exec(command.text)?.[1] ?? 'GET';
  return [...command.text.matchAll(/localhost:8000(\/api\/[^\s"'?]*)/g)].map((match) => {
    const path = match[1]
      .split('/')
      .map((part) => (/^(\d+|3f1c…)$/.test(part) ? '{}' : part))
      .join('/');
    return `${method} ${path}`;
  });
}

let dir: { path: string; remove(): void };
let server: ServiceProcess;
let env: Record<string, string>;

beforeAll(async () => {
  dir = createTempDir('docs-tour');
  // A folder that is the project to npm (its package.json, build and modules), so the tour's
  // downloads land in it and not in the checkout.
  const project = join(dir.path, 'project');
  mkdirSync(project);
  for (const entry of ['package.json', 'node_modules', 'dist', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'src', 'web']) {
    if (existsSync(join(ROOT, entry))) symlinkSync(join(ROOT, entry), join(project, entry));
  }
  env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir.path,
    DATABASE_URL: `sqlite:${join(dir.path, 'exports.sqlite')}`,
    EXPORT_DIR: join(dir.path, 'exports'),
    JWT_SECRET: 'docs-tour-secret-docs-tour-secret-docs-tour-0123',
  };
  server = await startService('all', env);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  dir?.remove();
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

function anchorsOf(doc: string): Set<string> {
  const text = readFileSync(join(ROOT, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#+ (.*)$/gm)].map((match) => anchorOf(match[1])));
}

describe('The links between the README and docs/', () => {
  it('reach files that exist and headings they have', () => {
    const broken = DOCS.flatMap((doc) =>
      [...readFileSync(join(ROOT, doc), 'utf8').matchAll(/\]\(([^)\s]+)\)/g)]
        .map((match) => match[1])
        .filter((target) => !/^(https?:|mailto:)/.test(target))
        .filter((target) => {
          const [path, anchor] = target.split('#');
          const file = path === '' ? doc : posix.join(posix.dirname(doc), path);
          if (!existsSync(join(ROOT, file))) return true;
          return anchor !== undefined && file.endsWith('.md') && !anchorsOf(file).has(anchor);
        })
        .map((target) => `${doc}: ${target}`),
    );
    expect(broken).toEqual([]);
  });
});

describe('The commands in the README and docs/', () => {
  const commands = documentedCommands();

  it('are found: the tour, the CLI and the API are all shown', () => {
    expect(commands.length).toBeGreaterThan(50);
    expect(commands.some((command) => command.text.startsWith('npm ci && npm start'))).toBe(true);
  });

  it('run only npm scripts package.json defines', () => {
    const used = commands.flatMap((command) => [...command.text.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((match) => match[1]));
    expect(used.length).toBeGreaterThan(10);
    expect([...new Set(used)].filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it('use CLI verbs and options the CLI has', async () => {
    const invocations = commands.flatMap(cliInvocations);
    expect(invocations.length).toBeGreaterThan(10);
    const helps = new Map<string, string>();
    const missing: string[] = [];
    for (const { verb, options } of invocations) {
      const key = verb.join(' ');
      if (!helps.has(key))
        helps.set(key, (await run(process.execPath, [CLI, ...verb, '--help'], { env: { PATH: process.env.PATH } })).stdout);
      const help = helps.get(key) as string;
      if (!help.startsWith(`Usage: cli ${key}`)) missing.push(`cli ${key}`);
      for (const option of options) if (!help.includes(`${option} `) && !help.includes(`${option}\n`)) missing.push(`cli ${key} ${option}`);
    }
    expect(missing).toEqual([]);
  });

  it('call only routes the API has', async () => {
    const document = (await (await fetch(`http://127.0.0.1:${server.port}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`),
      ),
    );
    // Offered only by a development server (no JWT_SECRET of its own), so absent from this one's.
    routes.add('POST /api/auth/dev-token');
    const used = commands.flatMap(curlRoutes);
    expect(used.length).toBeGreaterThan(20);
    expect([...new Set(used)].filter((route) => !routes.has(route))).toEqual([]);
  });
});

describe("The README's tour, run as written", () => {
  it('seeds, signs a token, requests an EZPass Excel export of January, follows it and downloads the file with the right rows', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const tour = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)]
      .map((block) => block[1])
      .find((block) => block.includes('cli -- seed --rows'));
    expect(tour).toBeDefined();
    const steps = (tour as string)
      .split('\n')
      .filter((line) => !line.startsWith('npm ci && npm start')) // the server the tour starts is the one started above
      .join('\n')
      .replaceAll('localhost:8000', `localhost:${server.port}`);
    // Between the status and the download the reader waits until it says COMPLETED.
    const waitForCompletion = `until curl -s localhost:${server.port}/api/exports/1/status -H "Authorization: Bearer $TOKEN" | grep -q '"status":"COMPLETED"'; do sleep 0.2; done\n`;
    const script = `set -euo pipefail\n${steps.replace(/\ncurl -sOJ/, `\n${waitForCompletion}curl -sOJ`)}`;
    const project = join(dir.path, 'project');
    const { stdout } = await run('bash', ['-c', script], { cwd: project, env, timeout: 120_000 });
    expect(stdout).toContain('"export_id":1');

    const saved = readdirSync(project).filter((name) => name.endsWith('.xlsx'));
    expect(saved).toEqual(['ezpass_2024-01-01_2024-01-31_1.xlsx']);
    const database = new Database(join(dir.path, 'exports.sqlite'), { readonly: true });
    const { n } = database
      .prepare("SELECT COUNT(*) AS n FROM ezpass_transactions WHERE posting_date >= '2024-01-01' AND posting_date < '2024-02-01'")
      .get() as { n: number };
    database.close();
    expect(n).toBeGreaterThan(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(project, saved[0]));
    const dataRows = workbook.worksheets.reduce((sum, sheet) => sum + sheet.actualRowCount - 1, 0);
    expect(dataRows).toBe(n);
  }, 180_000);
});
