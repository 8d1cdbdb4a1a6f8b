// Entry point for `npm run bench -- <suite> [...]`. Each suite is a module exporting `run(): Promise<void>`
// that prints its figures and the ratio against a baseline measured in the same run.
// Results worth keeping are copied, with the command, into bench/README.md.

const suites: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  engine: () => import('./engine/index.js'),
  protocols: () => import('./protocols/index.js'),
};

const requested = process.argv.slice(2).filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--seconds');
const names = requested.length > 0 ? requested : Object.keys(suites);
for (const name of names) {
  const load = suites[name];
  if (!load) {
    console.error(`unknown bench suite "${name}"; known: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== bench: ${name} (node ${process.version}, ${new Date().toISOString()}) ===`);
  const suite = await load();
  await suite.run();
}
