import { mysqlDb } from '../testing/targets.js';
import { runLargeFilterTests } from './large-filters.fixture.js';

await runLargeFilterTests('mysql', mysqlDb());
