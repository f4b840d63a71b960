#!/usr/bin/env node
// The cspc command. The server runs from its TypeScript sources through tsx, so there is no build
// step between a clone and a running product.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
