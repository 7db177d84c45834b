// Test helpers other packages' suites use (the end-to-end suites in test/): databases on each
// dialect, and rows written as Go SPIRE writes them. Not part of the plugin's runtime surface.
export { sqliteDb, postgresDb, mysqlDb, type TestDb, type Availability } from './targets.js';
export { GoWriter, createGoSchema, goBundleBytes, goTime, goBool, type GoEntry, type GoNode, type GoJwtKey } from './go-rows.js';
export { decodeBundleProto } from '../proto/spire-messages.js';
