import { sqliteDb } from '../testing/targets.js';
import { runLargeFilterTests } from './large-filters.fixture.js';

await runLargeFilterTests('sqlite3', sqliteDb());
