/**
 * Optional on-disk persistence: the whole state as one JSON file, written to a temporary file and
 * renamed over the previous one so a crash never leaves a torn file. Writes are debounced because
 * a single purchase touches state many times.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatorState } from './state.ts';

export const STATE_FILE = 'partner-center-emulator.json';

export class Persistence {
  private readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private readonly debounceMs: number;
  private readonly getState: () => EmulatorState;
  writes = 0;

  constructor(dir: string, getState: () => EmulatorState, debounceMs = 50) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, STATE_FILE);
    this.getState = getState;
    this.debounceMs = debounceMs;
  }

  load(): EmulatorState | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const state = JSON.parse(text) as EmulatorState;
    if (state.version !== 1)
      throw new Error(`${this.file}: unsupported emulator state version ${String(state.version)}`);
    return state;
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.debounceMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.getState()));
    renameSync(tmp, this.file);
    this.writes += 1;
  }
}
