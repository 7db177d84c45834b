/**
 * The one entry to @peculiar/x509 in this package. It resolves its parsers through tsyringe,
 * which needs the Reflect metadata API loaded first; importing the library through this module
 * guarantees that order wherever it is used.
 */
import 'reflect-metadata';

export * from '@peculiar/x509';
