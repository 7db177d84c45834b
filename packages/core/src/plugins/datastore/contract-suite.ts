import { describe } from 'node:test';
import { badInputTests } from './suite/bad-input.js';
import { bundleTests } from './suite/bundles.js';
import { SuiteContext, type DataStoreSetup } from './suite/context.js';
import { entryFilterTests } from './suite/entry-filters.js';
import { entryTests } from './suite/entries.js';
import { eventTests } from './suite/events.js';
import { federationTests } from './suite/federation.js';
import { journalTests } from './suite/journal.js';
import { nodeTests } from './suite/nodes.js';
import { paginationTests } from './suite/pagination.js';
import { scanTests } from './suite/scan.js';
import { selectorOrderTests } from './suite/selector-order.js';
import { tokenTests } from './suite/tokens.js';

export type { DataStoreSetup } from './suite/context.js';

/**
 * Registers the DataStore conformance suite (node:test `describe`/`it` blocks) for one
 * implementation. `setup` is called once for the suite and must return an empty-or-shared store;
 * the tests keep apart by unique names, so a store reused between runs is fine. Call it at the top
 * level of a test file, once per implementation (SQLite, PostgreSQL, MySQL, fakes, external).
 */
export function runDataStoreContract(name: string, setup: DataStoreSetup): void {
  describe(`DataStore contract: ${name}`, () => {
    const ctx = new SuiteContext(setup);
    // First: its empty-store case needs a store no other test has written to yet.
    scanTests(ctx);
    entryTests(ctx);
    selectorOrderTests(ctx);
    entryFilterTests(ctx);
    paginationTests(ctx);
    nodeTests(ctx);
    bundleTests(ctx);
    tokenTests(ctx);
    federationTests(ctx);
    journalTests(ctx);
    badInputTests(ctx);
    eventTests(ctx);
  });
}
