export * from '@spire-ts/core';
