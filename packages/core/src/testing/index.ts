export { runKeyManagerContract } from '../plugins/keymanager/contract-suite.js';
