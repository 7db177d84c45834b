/**
 * A protocol-level AWS emulator for tests. Start one with {@link AwsEmulator.start}, point the
 * AWS SDK at it with {@link AwsEmulator.env}, and inspect or change each service's state through
 * the emulator's service fields.
 */
export { AwsEmulator, type AwsEmulatorOptions } from './emulator.js';
export { AwsError, type ServiceModule } from './protocol.js';
export type { RecordedRequest } from './server.js';
export type { EmulatorEnv } from './env.js';
export { StsService, type AssumedRole } from './sts.js';
export { KmsService, type KmsKey, type KmsAlias, type KmsKeyState } from './kms.js';
export type { KmsKeySpec } from './kms-crypto.js';
export { TaggingService } from './tagging.js';
export { SecretsManagerService, type Secret } from './secrets-manager.js';
export type { SeedUpstreamCaOptions, SeededUpstreamCa } from './secrets-manager-seed.js';
export { AcmPcaService, type CreateCaOptions, type IssuedCertificate, type PrivateCa } from './acm-pca.js';
export { makeCa, type CaCredentials, type MakeCaOptions, type PcaKeyAlgorithm, type PcaSigningAlgorithm } from './acm-pca-ca.js';
export { OrganizationsService, type OrgAccount, type OrgAccountStatus } from './organizations.js';
export {
  Ec2Service,
  type Ec2Instance,
  type Ec2InstanceSeed,
  type Ec2InstanceState,
  type Ec2SecurityGroup,
  type Ec2BlockDevice,
  type Ec2NetworkInterface,
} from './ec2.js';
export { IidSigner, buildIidDocument, iidPayload, type IidAttestationData, type IidDocumentFields, type IidSignerOptions, type Pkcs7Options } from './ec2-iid.js';
export { IamService, type IamInstanceProfile } from './iam.js';
export { AutoScalingService, type AutoScalingGroup } from './auto-scaling.js';
export { EksService, type EksNodegroup } from './eks.js';
export { RolesAnywhereService, type TrustAnchor, type TrustAnchorSource } from './roles-anywhere.js';
export { S3Emulator } from './s3.js';
