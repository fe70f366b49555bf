#!/usr/bin/env node
// Entry point: TypeScript sources run through tsx's loader, so `npx hub` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../hub/cli.ts');
await main(process.argv.slice(2));
