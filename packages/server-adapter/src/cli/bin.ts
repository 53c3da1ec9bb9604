#!/usr/bin/env node
// The `waizant-support-migrate` bin. It runs whenever it is loaded: an "am I the main module"
// check (import.meta.url against process.argv[1]) is false when npm starts it through the
// node_modules/.bin symlink, and the command then did nothing, silently.
import { migrateCommand } from './migrate.js';

process.exitCode = await migrateCommand(process.argv.slice(2), process.env);
