// @peculiar/x509 for tests, set up once by the plugin's own module (reflect-metadata and the provider).
import './end-entity-name.js';
export * as x509 from '@peculiar/x509';
