#!/usr/bin/env node
// The project's own set-up: `npm start` / `npm test` (or the pnpm equivalents) work on a fresh Debian or
// Ubuntu machine with only Node 20+. It installs what is missing (pnpm, dependencies, redis-server, the
// DejaVu fonts of printed coupons and certificates, and for the tests chromium and poppler-utils), builds
// what is stale, then starts the product or runs the whole test suite.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const PNPM_VERSION = '10.34.9';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/**
 * Runs a long-lived child (the launcher, the test runner) and passes on the signals this process gets,
 * so that `kill -INT`/`kill -TERM` of `npm start` or `npm test` (the package.json scripts `exec` this
 * file, so npm's signal reaches it) stops everything cleanly instead of orphaning processes. The child
 * runs in a process group of its own:
 * - `group: false` (the launcher): the signal goes to the child, which stops its processes in order;
 * - `group: true` (the test runner, whose worker processes and databases would not be stopped by it
 *   on a signal): the signal goes to the whole group.
 * Whatever is left of the group 10 s after the first signal is killed. Resolves with the exit code.
 */
function runForwardingSignals(cmd, args, { group = false, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', detached: true, ...options });
    const killGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    let deadline;
    const forward = (signal) => () => {
      if (group) killGroup(signal);
      else child.kill(signal);
      deadline ??= setTimeout(() => killGroup('SIGKILL'), 10_000);
    };
    const handlers = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((signal) => [signal, forward(signal)]);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const [name, handler] of handlers) process.off(name, handler);
      clearTimeout(deadline);
      // Anything the child left behind in its group (a worker, a database) goes with it.
      if (deadline !== undefined) killGroup('SIGKILL');
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

function must(cmd, args, options) {
  const status = run(cmd, args, options);
  if (status !== 0) {
    console.error(`\n✖ ${cmd} ${args.join(' ')} failed (exit ${status})`);
    process.exit(status);
  }
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** The pnpm to call: the installed one, or one installed now (root), or one fetched by npx. */
function pnpm() {
  if (has('pnpm')) return ['pnpm'];
  if (isRoot) {
    console.log(`Installing pnpm ${PNPM_VERSION}…`);
    must('npm', ['install', '-g', `pnpm@${PNPM_VERSION}`, '--no-fund', '--no-audit']);
    return ['pnpm'];
  }
  return ['npx', '--yes', `pnpm@${PNPM_VERSION}`];
}

/**
 * Installs Debian packages the product needs, or says exactly how to. Each is known by a command it
 * provides (`bin`) or a file it installs (`file`).
 */
function ensureSystemPackages(packages) {
  const missing = packages
    .filter(({ bin, file }) => (bin ? !has(bin) : !existsSync(file)))
    .map(({ pkg }) => pkg);
  if (missing.length === 0) return;
  if (isRoot && has('apt-get')) {
    console.log(`Installing ${missing.join(', ')} with apt-get…`);
    must('apt-get', ['update', '-qq']);
    must('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return;
  }
  console.error(
    `\n✖ Missing system packages: ${missing.join(', ')}.\n  Install them with:  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n`,
  );
  process.exit(1);
}

function ensureDependencies(pn) {
  const marker = path.join(root, 'node_modules', '.modules.yaml');
  const lock = path.join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing dependencies…');
  must(pn[0], [...pn.slice(1), 'install', '--frozen-lockfile']);
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the TypeScript projects and the frontend when their sources changed since the last build. */
function build(pn, { force = false } = {}) {
  const stampDir = path.join(root, 'node_modules', '.cache', 'regulars');
  mkdirSync(stampDir, { recursive: true });
  const parts = [
    {
      name: 'backend and packages',
      sources: ['backend', 'packages', 'tsconfig.base.json'],
      output: 'backend/dist/main.js',
      cmd: [pn[0], [...pn.slice(1), 'exec', 'tsc', '-b']],
    },
    {
      name: 'frontend',
      sources: ['frontend', 'packages/contracts/src', 'packages/rules/src'],
      output: 'frontend/dist/card/index.html',
      cmd: [pn[0], [...pn.slice(1), '--filter', '@regulars/frontend', 'build']],
      when: () => existsSync(path.join(root, 'frontend', 'package.json')),
    },
  ];
  for (const part of parts) {
    if (part.when && !part.when()) continue;
    const stamp = path.join(stampDir, `${part.name.replace(/\W+/g, '-')}.stamp`);
    const newest = Math.max(
      ...part.sources.map((s) =>
        statSync(s, { throwIfNoEntry: false })?.isDirectory()
          ? newestMtime(s)
          : (statSync(s, { throwIfNoEntry: false })?.mtimeMs ?? 0),
      ),
    );
    const built = existsSync(part.output) && existsSync(stamp) && statSync(stamp).mtimeMs >= newest;
    if (built && !force) continue;
    console.log(`Building ${part.name}…`);
    must(part.cmd[0], part.cmd[1]);
    writeFileSync(stamp, new Date().toISOString());
  }
}

/** One plain closing line, `Tests: N passed, N failed, N skipped`, whatever vitest's own formatting is. */
function summaryLine(reportFile, status) {
  if (!existsSync(reportFile)) return `Tests: 0 passed, ${status === 0 ? 0 : 1} failed, 0 skipped`;
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  let failed = report.numFailedTests ?? 0;
  // A file that fails to load (or an unhandled error) fails the run without failing a test: count it.
  if ((status !== 0 || report.success === false) && failed === 0)
    failed = Math.max(1, report.numFailedTestSuites ?? 0);
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return `Tests: ${report.numPassedTests ?? 0} passed, ${failed} failed, ${skipped} skipped`;
}

const command = process.argv[2] ?? 'start';
const rest = process.argv.slice(3);
const needsRedis = !process.env.REDIS_URL;
const REDIS = { bin: 'redis-server', pkg: 'redis-server' };
// The font printed coupons and gift certificates embed (Cyrillic and Romanian diacritics); the API finds
// it there (backend/src/modules/documents/document-fonts.ts).
const FONTS = { file: '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf', pkg: 'fonts-dejavu-core' };
const pn = pnpm();

switch (command) {
  case 'start':
  case 'dev': {
    ensureSystemPackages([...(needsRedis ? [REDIS] : []), FONTS]);
    ensureDependencies(pn);
    build(pn);
    const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'development' };
    if (command === 'dev') env.LOG_LEVEL = env.LOG_LEVEL ?? 'debug';
    process.exit(
      await runForwardingSignals(process.execPath, ['backend/dist/launcher.js', ...rest], { env }),
    );
    break;
  }
  case 'build':
    ensureDependencies(pn);
    build(pn, { force: true });
    break;
  case 'test': {
    ensureSystemPackages([
      ...(needsRedis ? [REDIS] : []),
      FONTS,
      { bin: 'chromium', pkg: 'chromium' },
      // The PDF tests render pages to PNG to read their QR codes back.
      { bin: 'pdftoppm', pkg: 'poppler-utils' },
    ]);
    ensureDependencies(pn);
    // The browser tests serve the built frontend and the launcher tests run the built CLI.
    build(pn);
    const report = path.join(root, 'node_modules', '.cache', 'regulars', 'vitest-report.json');
    rmSync(report, { force: true });
    const status = await runForwardingSignals(
      pn[0],
      [
        ...pn.slice(1),
        'exec',
        'vitest',
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${report}`,
        ...rest,
      ],
      { env: { ...process.env, NODE_ENV: 'test' }, group: true },
    );
    process.stdout.write(`\n${summaryLine(report, status)}\n`);
    process.exit(status);
    break;
  }
  default:
    console.error(`Unknown command "${command}". Use: start, dev, build or test.`);
    process.exit(2);
}
