/**
 * The one entry to @peculiar/x509 in this package (test helpers only). It resolves its parsers
 * through tsyringe, which needs the Reflect metadata API loaded first, and it signs with
 * node:crypto's WebCrypto.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export * from '@peculiar/x509';
