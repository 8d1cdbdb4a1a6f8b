// npm test: every suite. The server project (unit + integration; PostgreSQL too when HUTONG_TEST_PG_URL is set),
// then the browser project when Debian's Chromium is present — otherwise it says plainly that it skipped them
// (HUTONG_REQUIRE_BROWSER=1, as in CI, turns that into a failure). Ends with one line: N passed, N failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, '.vitest-results');
const chromium = process.env.HUTONG_CHROMIUM ?? '/usr/bin/chromium';
const requireBrowser = process.env.HUTONG_REQUIRE_BROWSER === '1';
const extraArgs = process.argv.slice(2);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

function runProject(project) {
  const json = path.join(outDir, `${project}.json`);
  const args = [
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${json}`,
    ...extraArgs,
  ];
  console.log(
    `\n▶ ${project} tests${project === 'server' && process.env.HUTONG_TEST_PG_URL ? ' (SQLite and PostgreSQL)' : project === 'server' ? ' (SQLite; set HUTONG_TEST_PG_URL for PostgreSQL too)' : ''}`,
  );
  const result = spawnSync(path.join(root, 'node_modules', '.bin', 'vitest'), args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) ok = false;
  if (!existsSync(json)) {
    ok = false;
    totals.failed += 1;
    console.error(`${project}: vitest wrote no results (exit ${result.status})`);
    return;
  }
  const report = JSON.parse(readFileSync(json, 'utf8'));
  totals.passed += report.numPassedTests ?? 0;
  totals.failed += report.numFailedTests ?? 0;
  totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  if ((report.numFailedTestSuites ?? 0) > 0 && (report.numFailedTests ?? 0) === 0) {
    // A file that failed to load has no failed tests to count: count the file.
    totals.failed += report.numFailedTestSuites;
  }
}

runProject('server');

if (existsSync(chromium)) {
  runProject('e2e');
} else {
  const message = `SKIPPED: browser tests — Chromium not found at ${chromium} (apt-get install -y chromium fonts-wqy-microhei)`;
  console.log(`\n${message}`);
  if (requireBrowser) {
    ok = false;
    totals.failed += 1;
    console.error('HUTONG_REQUIRE_BROWSER=1: browser tests are required here.');
  }
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
