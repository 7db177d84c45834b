/**
 * Test CA certificates for the bundle tests (self-signed ECDSA P-256, made for this suite). Each
 * comes with its subject key ID (lower-case hex, as `openssl x509 -ext subjectKeyIdentifier`
 * prints it without colons) and its notAfter in Unix seconds.
 */
export interface TestCa {
  der: Uint8Array;
  subjectKeyId: string;
  notAfter: number;
}

function ca(b64: string, subjectKeyId: string, notAfter: number): TestCa {
  return { der: new Uint8Array(Buffer.from(b64, 'base64')), subjectKeyId, notAfter };
}

/** CN=expired-ca. */
export const EXPIRED_CA = ca(
  'MIIBTjCB9KADAgECAgQw/J8iMAoGCCqGSM49BAMCMBUxEzARBgNVBAMTCmV4cGlyZWQtY2EwHhcNMjAwMTAxMDAwMDAwWhcNMjEwMTAxMDAwMDAwWjAVMRMwEQYDVQQDEwpleHBpcmVkLWNhMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEalUL0HfsuPGKrW4DdE+wZWQq9ozlVSv1wwGzjbyl8RtnaOaH5w8CPj5gMp5MKn8ICfZqxCyK0rOtH77C0n6NeKMyMDAwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4EFgQUO7qzYzPEeO5EffYw9CYa3+8M1mYwCgYIKoZIzj0EAwIDSQAwRgIhAP3i//Ub01r1T9tP+ZDPiJN8M0s4IL6pNsJBfrTHXPP/AiEA+6gE7csUUcLTHYuT/vxNE/sHydKYzbzKWoFK6zrP6qY=',
  '3bbab36333c478ee447df630f4261adfef0cd666',
  1609459200,
);

/** CN=current-ca. */
export const CURRENT_CA = ca(
  'MIIBTzCB9qADAgECAgQKQKFpMAoGCCqGSM49BAMCMBUxEzARBgNVBAMTCmN1cnJlbnQtY2EwIBcNMjQwMTAxMDAwMDAwWhgPMjA5OTAxMDEwMDAwMDBaMBUxEzARBgNVBAMTCmN1cnJlbnQtY2EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARINqEccEqWyCQwAeAK6NhdG4xT2fbjr/obDY1rWKgtS0RNpQuVs7oY75hxz0Y69C4whRW0FJhbUbX+ZSfVFlYzozIwMDAPBgNVHRMBAf8EBTADAQH/MB0GA1UdDgQWBBR1nDbmAUPb42QxJvHZsH9mjbWCXDAKBggqhkjOPQQDAgNIADBFAiBxlDNG4OYc/iATQkBf7uXWEUPf6IJ+bmjKjAhBDIA6sgIhALM5QPaHXVYkPL18uzlQcFikAfI4p4BTFgR1z0okrO2u',
  '759c36e60143dbe3643126f1d9b07f668db5825c',
  4070908800,
);

/** CN=other-ca. */
export const OTHER_CA = ca(
  'MIIBSzCB8qADAgECAgQF5AYdMAoGCCqGSM49BAMCMBMxETAPBgNVBAMTCG90aGVyLWNhMCAXDTI0MDEwMTAwMDAwMFoYDzIwOTgwMTAxMDAwMDAwWjATMREwDwYDVQQDEwhvdGhlci1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJ6BBjQaU9dHbzLeYuOMvXYCH094mWjJzr+mS7SnBLKRV3DLOsFo2O/DtldbYiWdBgUzo1RwVVOOo2QUfYwoQvqjMjAwMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFOcP3Xw8eiwAMMYIj4C5vhQQLjMOMAoGCCqGSM49BAMCA0gAMEUCIQCRbbPHszSvfKmDYIP79ApTmq35zDYoBuKCkoaQuoxljQIgVAdcnVogjpOx5nTqSdaHtX17W9sK55I1dnlmr+3+ZlU=',
  'e70fdd7c3c7a2c0030c6088f80b9be14102e330e',
  4039372800,
);
