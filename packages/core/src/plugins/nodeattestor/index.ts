export * from './contract.js';
export { PathTemplate, agentIdFromTemplate, PathTemplateSyntaxError, PathTemplateExecError, type TemplateData } from './path-template.js';
export { goBytes, goField, parseJson } from './go-json.js';
export { assessTofu } from './tofu.js';
export { parsePkcs7, bagCertificates, isSignerOf, verifyPkcs7Signers, type Pkcs7Message, type Pkcs7Certificate } from './pkcs7.js';
