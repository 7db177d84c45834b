import { postgresDb } from '../testing/targets.js';
import { runLargeFilterTests } from './large-filters.fixture.js';

await runLargeFilterTests('postgres', postgresDb());
