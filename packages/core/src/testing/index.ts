export { runDataStoreContract, type DataStoreSetup } from '../plugins/datastore/contract-suite.js';
