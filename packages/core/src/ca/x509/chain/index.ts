export { allowsCertSign, allowsDigitalSignature, fingerprint, parseCert, serialNumberHex, type Cert, type GoName } from './cert.js';
export { ChainError, verifyChains } from './chain.js';
export { checkNameConstraints, parseNameConstraints, type Constraint, type NameConstraintSet, type Sans } from './name-constraints.js';
