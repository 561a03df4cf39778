#!/usr/bin/env node
import { execute } from '../dist/bundle/runlog.mjs';

await execute({ dir: import.meta.url });
