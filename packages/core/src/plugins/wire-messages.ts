/**
 * The plugin-protocol messages and service handler types we use, generated from our .proto files
 * by proto-loader-gen-types with the plugin loader options (into src/proto/gen/plugin/; see
 * scripts/gen-proto-types.mjs). `Foo` is a message as we send it (what proto-loader accepts),
 * `Foo__Output` as we receive it (what proto-loader hands over); `<Service>Handlers` is a service
 * implementation (requests received, responses sent). Type-only; published as `wire.msg` of
 * `@spire-ts/core/plugin`.
 */

// spire.plugin.types
export type { Bundle, Bundle__Output } from '../proto/gen/plugin/spire/plugin/types/Bundle.js';
export type { JWTKey, JWTKey__Output } from '../proto/gen/plugin/spire/plugin/types/JWTKey.js';
export type { X509Certificate, X509Certificate__Output } from '../proto/gen/plugin/spire/plugin/types/X509Certificate.js';

// google.protobuf
export type { Struct, Struct__Output } from '../proto/gen/plugin/google/protobuf/Struct.js';
export type { Value, Value__Output } from '../proto/gen/plugin/google/protobuf/Value.js';

// spire.service.common.config.v1
export type { ConfigureRequest, ConfigureRequest__Output } from '../proto/gen/plugin/spire/service/common/config/v1/ConfigureRequest.js';
export type { ValidateRequest, ValidateRequest__Output } from '../proto/gen/plugin/spire/service/common/config/v1/ValidateRequest.js';
export type { ValidateResponse, ValidateResponse__Output } from '../proto/gen/plugin/spire/service/common/config/v1/ValidateResponse.js';

// spire.service.private.init.v1
export type { InitRequest, InitRequest__Output } from '../proto/gen/plugin/spire/service/private/init/v1/InitRequest.js';
export type { InitResponse, InitResponse__Output } from '../proto/gen/plugin/spire/service/private/init/v1/InitResponse.js';

// grpc.health.v1
export type { HealthCheckRequest, HealthCheckRequest__Output } from '../proto/gen/plugin/grpc/health/v1/HealthCheckRequest.js';
export type { HealthCheckResponse, HealthCheckResponse__Output } from '../proto/gen/plugin/grpc/health/v1/HealthCheckResponse.js';

// spire.hostservice.server.identityprovider.v1
export type { FetchX509IdentityResponse, FetchX509IdentityResponse__Output } from '../proto/gen/plugin/spire/hostservice/server/identityprovider/v1/FetchX509IdentityResponse.js';

// spire.plugin.server.keymanager.v1
export type { GenerateKeyRequest, GenerateKeyRequest__Output } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/GenerateKeyRequest.js';
export type { GenerateKeyResponse, GenerateKeyResponse__Output } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/GenerateKeyResponse.js';
export type { GetPublicKeyRequest, GetPublicKeyRequest__Output } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/GetPublicKeyRequest.js';
export type { GetPublicKeyResponse, GetPublicKeyResponse__Output } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/GetPublicKeyResponse.js';
export type { GetPublicKeysResponse, GetPublicKeysResponse__Output } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/GetPublicKeysResponse.js';
export type { SignDataRequest, SignDataRequest__Output } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/SignDataRequest.js';
export type { SignDataResponse, SignDataResponse__Output } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/SignDataResponse.js';
export type { PublicKey, PublicKey__Output } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/PublicKey.js';
export type { KeyType, KeyType__Output } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/KeyType.js';
export type { KeyManagerHandlers } from '../proto/gen/plugin/spire/plugin/server/keymanager/v1/KeyManager.js';

// spire.plugin.server.nodeattestor.v1
export type { AttestRequest, AttestRequest__Output } from '../proto/gen/plugin/spire/plugin/server/nodeattestor/v1/AttestRequest.js';
export type { AttestResponse, AttestResponse__Output } from '../proto/gen/plugin/spire/plugin/server/nodeattestor/v1/AttestResponse.js';
export type { NodeAttestorHandlers } from '../proto/gen/plugin/spire/plugin/server/nodeattestor/v1/NodeAttestor.js';

// spire.plugin.server.upstreamauthority.v1
export type { MintX509CARequest, MintX509CARequest__Output } from '../proto/gen/plugin/spire/plugin/server/upstreamauthority/v1/MintX509CARequest.js';
export type { MintX509CAResponse, MintX509CAResponse__Output } from '../proto/gen/plugin/spire/plugin/server/upstreamauthority/v1/MintX509CAResponse.js';
export type { PublishJWTKeyRequest, PublishJWTKeyRequest__Output } from '../proto/gen/plugin/spire/plugin/server/upstreamauthority/v1/PublishJWTKeyRequest.js';
export type { PublishJWTKeyResponse, PublishJWTKeyResponse__Output } from '../proto/gen/plugin/spire/plugin/server/upstreamauthority/v1/PublishJWTKeyResponse.js';
export type { SubscribeToLocalBundleRequest, SubscribeToLocalBundleRequest__Output } from '../proto/gen/plugin/spire/plugin/server/upstreamauthority/v1/SubscribeToLocalBundleRequest.js';
export type { SubscribeToLocalBundleResponse, SubscribeToLocalBundleResponse__Output } from '../proto/gen/plugin/spire/plugin/server/upstreamauthority/v1/SubscribeToLocalBundleResponse.js';
export type { UpstreamAuthorityHandlers } from '../proto/gen/plugin/spire/plugin/server/upstreamauthority/v1/UpstreamAuthority.js';

// spire.plugin.server.notifier.v1
export type { NotifyRequest, NotifyRequest__Output } from '../proto/gen/plugin/spire/plugin/server/notifier/v1/NotifyRequest.js';
export type { NotifyAndAdviseRequest, NotifyAndAdviseRequest__Output } from '../proto/gen/plugin/spire/plugin/server/notifier/v1/NotifyAndAdviseRequest.js';
export type { NotifierHandlers } from '../proto/gen/plugin/spire/plugin/server/notifier/v1/Notifier.js';

// spire.plugin.server.bundlepublisher.v1
export type { PublishBundleRequest, PublishBundleRequest__Output } from '../proto/gen/plugin/spire/plugin/server/bundlepublisher/v1/PublishBundleRequest.js';
export type { BundlePublisherHandlers } from '../proto/gen/plugin/spire/plugin/server/bundlepublisher/v1/BundlePublisher.js';

// spire.plugin.server.credentialcomposer.v1
export type { ComposeServerX509CARequest, ComposeServerX509CARequest__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeServerX509CARequest.js';
export type { ComposeServerX509CAResponse, ComposeServerX509CAResponse__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeServerX509CAResponse.js';
export type { ComposeServerX509SVIDRequest, ComposeServerX509SVIDRequest__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeServerX509SVIDRequest.js';
export type { ComposeServerX509SVIDResponse, ComposeServerX509SVIDResponse__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeServerX509SVIDResponse.js';
export type { ComposeAgentX509SVIDRequest, ComposeAgentX509SVIDRequest__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeAgentX509SVIDRequest.js';
export type { ComposeAgentX509SVIDResponse, ComposeAgentX509SVIDResponse__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeAgentX509SVIDResponse.js';
export type { ComposeWorkloadX509SVIDRequest, ComposeWorkloadX509SVIDRequest__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeWorkloadX509SVIDRequest.js';
export type { ComposeWorkloadX509SVIDResponse, ComposeWorkloadX509SVIDResponse__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeWorkloadX509SVIDResponse.js';
export type { ComposeWorkloadJWTSVIDRequest, ComposeWorkloadJWTSVIDRequest__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeWorkloadJWTSVIDRequest.js';
export type { ComposeWorkloadJWTSVIDResponse, ComposeWorkloadJWTSVIDResponse__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/ComposeWorkloadJWTSVIDResponse.js';
export type { X509CAAttributes, X509CAAttributes__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/X509CAAttributes.js';
export type { X509SVIDAttributes, X509SVIDAttributes__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/X509SVIDAttributes.js';
export type { JWTSVIDAttributes, JWTSVIDAttributes__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/JWTSVIDAttributes.js';
export type { DistinguishedName, DistinguishedName__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/DistinguishedName.js';
export type { X509Extension, X509Extension__Output } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/X509Extension.js';
export type { CredentialComposerHandlers } from '../proto/gen/plugin/spire/plugin/server/credentialcomposer/v1/CredentialComposer.js';
