/**
 * Benchmark dispatcher: `npm run bench -- <name> [options]` runs `bench/<name>.ts`, which exports
 * `description` and `main(args)`; without a name it lists them. Benchmarks print figures, not
 * pass/fail. Modules are imported lazily, so one benchmark's dependencies never slow another's.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Benchmark {
  description?: string;
  main(args: string[]): Promise<void>;
}

/** Short names for benchmarks whose file says more. */
const ALIASES: Record<string, string> = { catalog: 'catalog-sync' };

const dir = fileURLToPath(new URL('.', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...args] = process.argv.slice(2);
const file = name ? (ALIASES[name] ?? name) : undefined;
if (!file || !names.includes(file)) {
  if (name) console.error(`Unknown benchmark "${name}".`);
  console.error('Usage: npm run bench -- <name> [options]');
  for (const n of names) {
    const mod = (await import(`./${n}.ts`)) as Benchmark;
    const alias = Object.entries(ALIASES).find(([, target]) => target === n)?.[0];
    console.error(`  ${alias ?? n}${alias ? ` (${n})` : ''}: ${mod.description ?? ''}`);
  }
  process.exit(name ? 1 : 0);
}
const benchmark = (await import(`./${file}.ts`)) as Benchmark;
await benchmark.main(args);
