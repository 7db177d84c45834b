/*
 * ECDSA signature verification for CSRs, against the OpenSSL that Node itself carries.
 *
 * Why: every CSR brings a public key the server has never seen. Through node:crypto, using a new
 * key costs more than the verification: importing it re-checks the point with a full scalar
 * multiplication (order * Q), and its first use converts it into a provider key. For the prime-
 * order curves here (P-256, P-384; cofactor 1) a point that decodes onto the curve is already in
 * the right group, so this file decodes the point (which checks it is on the curve), hands it to
 * one EC_KEY kept per thread, and verifies with ECDSA_verify: the cost of a verification with an
 * already imported key.
 *
 * One state per Node environment (main thread or worker), so nothing is shared across threads.
 */
#include <stdlib.h>
#include <node_api.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

enum { CURVE_P256 = 0, CURVE_P384 = 1, CURVES = 2 };
enum { HASH_SHA256 = 0, HASH_SHA384 = 1, HASH_SHA512 = 2, HASHES = 3 };

/* Results of verify(): what the JS side turns into a boolean or an error. */
enum { RESULT_INVALID_KEY = -1, RESULT_BAD_SIGNATURE = 0, RESULT_VALID = 1 };

typedef struct {
  EC_KEY *key[CURVES];
  EC_POINT *point[CURVES];
  EVP_MD *md[HASHES];
  EVP_MD_CTX *mdctx;
} State;

static void free_state(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  State *s = data;
  if (s == NULL) return;
  for (int i = 0; i < CURVES; i++) {
    EC_POINT_free(s->point[i]);
    EC_KEY_free(s->key[i]);
  }
  for (int i = 0; i < HASHES; i++) EVP_MD_free(s->md[i]);
  EVP_MD_CTX_free(s->mdctx);
  free(s);
}

static State *new_state(void) {
  static const int nids[CURVES] = {NID_X9_62_prime256v1, NID_secp384r1};
  static const char *names[HASHES] = {"SHA256", "SHA384", "SHA512"};
  State *s = calloc(1, sizeof(State));
  if (s == NULL) return NULL;
  int ok = 1;
  for (int i = 0; i < CURVES && ok; i++) {
    s->key[i] = EC_KEY_new_by_curve_name(nids[i]);
    s->point[i] = s->key[i] ? EC_POINT_new(EC_KEY_get0_group(s->key[i])) : NULL;
    ok = s->point[i] != NULL;
  }
  for (int i = 0; i < HASHES && ok; i++) ok = (s->md[i] = EVP_MD_fetch(NULL, names[i], NULL)) != NULL;
  if (ok) ok = (s->mdctx = EVP_MD_CTX_new()) != NULL;
  if (!ok) {
    free_state(NULL, s, NULL);
    return NULL;
  }
  return s;
}

static int bytes_of(napi_env env, napi_value v, const unsigned char **data, size_t *len) {
  napi_typedarray_type type;
  size_t length, offset;
  void *base;
  napi_value buffer;
  if (napi_get_typedarray_info(env, v, &type, &length, &base, &buffer, &offset) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = base;
  *len = length;
  return 1;
}

/* verify(curve, hash, point, message, signature) -> 1 valid, 0 bad signature, -1 invalid key. */
static napi_value verify(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_value result;
  State *s = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5) goto bad_args;
  if (napi_get_instance_data(env, (void **)&s) != napi_ok || s == NULL) {
    napi_throw_error(env, NULL, "ec_verify: not initialized");
    return NULL;
  }
  int32_t curve, hash;
  const unsigned char *point, *msg, *sig;
  size_t point_len, msg_len, sig_len;
  if (napi_get_value_int32(env, argv[0], &curve) != napi_ok || curve < 0 || curve >= CURVES) goto bad_args;
  if (napi_get_value_int32(env, argv[1], &hash) != napi_ok || hash < 0 || hash >= HASHES) goto bad_args;
  if (!bytes_of(env, argv[2], &point, &point_len) || !bytes_of(env, argv[3], &msg, &msg_len) ||
      !bytes_of(env, argv[4], &sig, &sig_len) || sig_len > 0x7fffffff)
    goto bad_args;

  int rc;
  EC_KEY *key = s->key[curve];
  const EC_GROUP *group = EC_KEY_get0_group(key);
  /* oct2point rejects encodings of the wrong length and points that are not on the curve. */
  if (EC_POINT_oct2point(group, s->point[curve], point, point_len, NULL) != 1 ||
      EC_POINT_is_at_infinity(group, s->point[curve]) || EC_KEY_set_public_key(key, s->point[curve]) != 1) {
    rc = RESULT_INVALID_KEY;
  } else {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_DigestInit_ex2(s->mdctx, s->md[hash], NULL) != 1 || EVP_DigestUpdate(s->mdctx, msg, msg_len) != 1 ||
        EVP_DigestFinal_ex(s->mdctx, digest, &digest_len) != 1) {
      ERR_clear_error();
      napi_throw_error(env, NULL, "ec_verify: digest failed");
      return NULL;
    }
    /* ECDSA_verify: 1 valid, 0 wrong signature, -1 malformed signature (also a refusal). */
    rc = ECDSA_verify(0, digest, (int)digest_len, sig, (int)sig_len, key) == 1 ? RESULT_VALID : RESULT_BAD_SIGNATURE;
  }
  /* A refusal leaves OpenSSL errors queued on this thread; node:crypto must not find them later. */
  if (rc != RESULT_VALID) ERR_clear_error();
  napi_create_int32(env, rc, &result);
  return result;

bad_args:
  napi_throw_type_error(env, NULL, "ec_verify: verify(curve, hash, point, message, signature) takes two ints and three Uint8Arrays");
  return NULL;
}

NAPI_MODULE_INIT() {
  State *s = new_state();
  if (s == NULL || napi_set_instance_data(env, s, free_state, NULL) != napi_ok) {
    free_state(env, s, NULL);
    napi_throw_error(env, NULL, "ec_verify: OpenSSL set-up failed");
    return NULL;
  }
  napi_value fn;
  napi_create_function(env, "verify", NAPI_AUTO_LENGTH, verify, NULL, &fn);
  napi_set_named_property(env, exports, "verify", fn);
  return exports;
}
