// The console's pure logic, in one entry point for the unit tests.
export * from './agent-cmd';
export * from './duration';
export * from './entry-form';
export * from './filters';
export * from './ids';
export * from './import';
export * from './paging';
