// Builds the server (tsc → dist/) and the console (vite → web/dist/). With --if-stale (what `npm start` uses) it
// skips the build when nothing under src/, web/ or the lockfile changed since the last one.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['src', 'web/src', 'web/index.html', 'web/vite.config.ts', 'package-lock.json', 'tsconfig.build.json'];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = s.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

function run(label, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build failed: ${label}`);
    process.exit(result.status ?? 1);
  }
  console.log(`built ${label} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv.includes('--if-stale') && existsSync(stamp) && existsSync(path.join(root, 'web/dist/index.html'))) {
  const built = statSync(stamp).mtimeMs;
  if (Math.max(...inputs.map((i) => newestMtime(path.join(root, i)))) <= built) {
    console.log('build is up to date');
    process.exit(0);
  }
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
run('server (dist/)', bin('tsc'), ['-p', 'tsconfig.build.json']);
// Data the server reads at run time beside its modules (the service catalogue's generated definitions).
function copyData(dir) {
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) copyData(rel);
    else if (entry.name.endsWith('.json')) {
      mkdirSync(path.join(root, 'dist', dir), { recursive: true });
      copyFileSync(path.join(root, rel), path.join(root, 'dist', rel));
    }
  }
}
copyData('src');
run('console (web/dist/)', bin('vite'), ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
writeFileSync(stamp, new Date().toISOString());
