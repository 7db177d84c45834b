// The openssl helpers live with the plugin contract suites (testing/, below the CA); the CA's tests
// keep importing them from here.
export { openssl, opensslText, opensslVerify } from '../../testing/openssl.js';
