/**
 * The one entry to @peculiar/x509 in this package. The library resolves its parsers through
 * tsyringe, which needs the Reflect metadata API loaded first; importing it through this module
 * guarantees that order, and sets Node's WebCrypto as its provider once.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export * from '@peculiar/x509';
