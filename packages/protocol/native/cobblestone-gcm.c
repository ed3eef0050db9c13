/*
 * Cobblestone-256 primitives (AES-256-GCM over 16 KiB chunks, HKDF-Expand
 * with HMAC-SHA-512) for Node, on the OpenSSL that Node itself links and
 * exports. Optional: the protocol package uses it when it was built and
 * passes a known-answer check at load (src/cobblestone/native-gcm.ts), and
 * node:crypto otherwise.
 *
 * Why it exists: node:crypto allocates a cipher object, a key schedule, a
 * ciphertext Buffer and a tag Buffer for every 16 KiB chunk, and HKDF costs a
 * one-shot hash call per SHA-512: several times the cryptography itself
 * (measured: ~1.5 GB/s per-chunk ceiling against >10 GB/s for the cipher;
 * half of a 1 KiB record's open time). Here each thread keeps one sealing
 * and one opening context; a chunk under the key already loaded only changes
 * the nonce, and output goes into a buffer the caller allocated.
 *
 * It only computes: no I/O, no threads of its own. Each Node thread (main
 * or worker) has its own contexts (Node-API instance data). Keys are
 * compared in constant time and wiped when replaced and at thread exit.
 * Sizes and offsets are checked here as well as by the caller; a failed tag
 * wipes that chunk's output, so unauthenticated plaintext never reaches JS.
 * Node-API (ABI-stable across Node versions) and OpenSSL 3 EVP symbols are
 * resolved from the running node binary at load time.
 */
#include <node_api.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 16384
#define TAG 16
#define SEALED (CHUNK + TAG)
#define KEY 32
#define NONCE 12
#define SHA512_BLOCK 128
#define SHA512_DIGEST 64
/* Counters are JS safe integers. */
#define MAX_COUNTER 9007199254740991.0

/* One cipher context per direction, keyed lazily, per Node thread. */
typedef struct {
  EVP_CIPHER_CTX *ctx;
  uint8_t key[KEY];
  int keyed;
} keyed_ctx;

typedef struct {
  keyed_ctx seal;
  keyed_ctx open;
  EVP_MD_CTX *md;
} thread_state;

/*
 * Fetched once per process and shared by every context and thread (fetched
 * algorithms are immutable). EVP_aes_256_gcm() would look the cipher up in
 * the provider store on every keying.
 */
static EVP_CIPHER *aes_256_gcm;
static EVP_MD *sha512;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static void fetch_algorithms(void) {
  aes_256_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
  sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
}

static void free_thread_state(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  thread_state *s = data;
  EVP_CIPHER_CTX_free(s->seal.ctx); /* frees and cleanses the key schedule */
  EVP_CIPHER_CTX_free(s->open.ctx);
  EVP_MD_CTX_free(s->md);
  OPENSSL_cleanse(s, sizeof *s);
  free(s);
}

static napi_value fail(napi_env env, const char *code, const char *message, int range) {
  if (range) napi_throw_range_error(env, code, message);
  else napi_throw_type_error(env, code, message);
  return NULL;
}

static int get_bytes(napi_env env, napi_value value, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t byte_offset;
  if (napi_get_typedarray_info(env, value, &type, length, (void **)data, &buffer, &byte_offset) != napi_ok) {
    return 0;
  }
  return type == napi_uint8_array;
}

static int get_counter(napi_env env, napi_value value, uint64_t *counter) {
  double number;
  if (napi_get_value_double(env, value, &number) != napi_ok) return 0;
  if (!(number >= 0 && number <= MAX_COUNTER) || number != (double)(uint64_t)number) return 0;
  *counter = (uint64_t)number;
  return 1;
}

static int get_offset(napi_env env, napi_value value, size_t *offset) {
  double number;
  if (napi_get_value_double(env, value, &number) != napi_ok) return 0;
  if (!(number >= 0 && number <= 4294967295.0) || number != (double)(uint32_t)number) return 0;
  *offset = (size_t)number;
  return 1;
}

/* nonce = baseNonce XOR the big-endian counter in its last 8 bytes (nonce.ts). */
static void chunk_nonce(const uint8_t base[NONCE], uint64_t counter, uint8_t nonce[NONCE]) {
  memcpy(nonce, base, NONCE);
  for (int i = 0; i < 8; i++) nonce[NONCE - 1 - i] ^= (uint8_t)(counter >> (8 * i));
}

/* The thread's context for `key`, keyed if it holds another key (or none). */
static EVP_CIPHER_CTX *context_for(keyed_ctx *k, const uint8_t key[KEY], int sealing) {
  if (!k->ctx && !(k->ctx = EVP_CIPHER_CTX_new())) return NULL;
  if (k->keyed && CRYPTO_memcmp(k->key, key, KEY) == 0) return k->ctx;
  k->keyed = 0;
  int ok = sealing ? EVP_EncryptInit_ex2(k->ctx, aes_256_gcm, key, NULL, NULL)
                   : EVP_DecryptInit_ex2(k->ctx, aes_256_gcm, key, NULL, NULL);
  if (ok != 1) return NULL;
  memcpy(k->key, key, KEY);
  k->keyed = 1;
  return k->ctx;
}

typedef struct {
  thread_state *state;
  uint8_t *key;
  uint8_t *base_nonce;
  uint64_t counter;
  uint8_t *in;
  size_t in_length;
  uint8_t *out;
  size_t out_length;
  size_t offset;
} chunk_args;

/* (key: Uint8Array(32), baseNonce: Uint8Array(12), counter, input, out, offset) */
static int get_chunk_args(napi_env env, napi_callback_info info, chunk_args *a) {
  size_t argc = 6;
  napi_value argv[6];
  size_t key_length, nonce_length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&a->state) != napi_ok || argc != 6) return 0;
  return get_bytes(env, argv[0], &a->key, &key_length) && key_length == KEY &&
         get_bytes(env, argv[1], &a->base_nonce, &nonce_length) && nonce_length == NONCE &&
         get_counter(env, argv[2], &a->counter) && get_bytes(env, argv[3], &a->in, &a->in_length) &&
         get_bytes(env, argv[4], &a->out, &a->out_length) && get_offset(env, argv[5], &a->offset);
}

/*
 * seal(key, baseNonce, firstCounter, plaintext, out, offset) -> end offset.
 * plaintext is cut into 16 KiB chunks, the last one possibly shorter; an
 * empty plaintext is one empty chunk. Each chunk's ciphertext ‖ tag is
 * written at out[offset...], in order.
 */
static napi_value seal(napi_env env, napi_callback_info info) {
  chunk_args a;
  if (!get_chunk_args(env, info, &a)) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_ARGS", "seal(key32, nonce12, counter, plaintext, out, offset)", 0);
  }
  size_t chunks = a.in_length == 0 ? 1 : (a.in_length + CHUNK - 1) / CHUNK;
  if (a.offset > a.out_length || a.out_length - a.offset < a.in_length + chunks * TAG ||
      (double)(a.counter + chunks) > MAX_COUNTER) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_SIZE", "output too small or counter too large", 1);
  }
  EVP_CIPHER_CTX *ctx = context_for(&a.state->seal, a.key, 1);
  if (!ctx) {
    ERR_clear_error();
    return fail(env, "ERR_COBBLESTONE_NATIVE_OPENSSL", "cipher setup failed", 1);
  }
  uint8_t *out = a.out + a.offset;
  for (size_t i = 0; i < chunks; i++) {
    size_t length = a.in_length - i * CHUNK < CHUNK ? a.in_length - i * CHUNK : CHUNK;
    uint8_t nonce[NONCE];
    int written = 0, final_written = 0;
    chunk_nonce(a.base_nonce, a.counter + i, nonce);
    if (EVP_EncryptInit_ex2(ctx, NULL, NULL, nonce, NULL) != 1 ||
        (length > 0 && EVP_EncryptUpdate(ctx, out, &written, a.in + i * CHUNK, (int)length) != 1) ||
        (size_t)written != length || EVP_EncryptFinal_ex(ctx, out + written, &final_written) != 1 ||
        final_written != 0 || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG, out + length) != 1) {
      ERR_clear_error();
      a.state->seal.keyed = 0;
      OPENSSL_cleanse(a.out + a.offset, (size_t)(out - (a.out + a.offset)) + length + TAG);
      return fail(env, "ERR_COBBLESTONE_NATIVE_OPENSSL", "seal failed", 1);
    }
    out += length + TAG;
  }
  napi_value end;
  napi_create_double(env, (double)(out - a.out), &end);
  return end;
}

/*
 * open(key, baseNonce, firstCounter, sealed, out, offset) -> chunks verified.
 * sealed is cut into 16 400-byte sealed chunks, the last one possibly shorter
 * (at least its 16-byte tag). Plaintext goes to out[offset...]. Stops at the
 * first chunk that does not authenticate, wipes what it wrote for it, and
 * returns how many chunks before it verified (all of them on success).
 */
static napi_value open_chunks(napi_env env, napi_callback_info info) {
  chunk_args a;
  if (!get_chunk_args(env, info, &a)) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_ARGS", "open(key32, nonce12, counter, sealed, out, offset)", 0);
  }
  size_t chunks = (a.in_length + SEALED - 1) / SEALED;
  size_t last = a.in_length - (chunks > 0 ? (chunks - 1) * SEALED : 0);
  if (chunks == 0 || last < TAG || a.offset > a.out_length ||
      a.out_length - a.offset < a.in_length - chunks * TAG || (double)(a.counter + chunks) > MAX_COUNTER) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_SIZE", "bad sealed length, output too small or counter too large", 1);
  }
  EVP_CIPHER_CTX *ctx = context_for(&a.state->open, a.key, 0);
  if (!ctx) {
    ERR_clear_error();
    return fail(env, "ERR_COBBLESTONE_NATIVE_OPENSSL", "cipher setup failed", 1);
  }
  size_t verified = 0;
  uint8_t *out = a.out + a.offset;
  for (; verified < chunks; verified++) {
    const uint8_t *sealed = a.in + verified * SEALED;
    size_t length = (verified + 1 == chunks ? last : SEALED) - TAG;
    uint8_t nonce[NONCE];
    uint8_t tag[TAG];
    int written = 0, final_written = 0;
    chunk_nonce(a.base_nonce, a.counter + verified, nonce);
    /* The tag is copied: the context must not point into JS memory. */
    memcpy(tag, sealed + length, TAG);
    int ok = EVP_DecryptInit_ex2(ctx, NULL, NULL, nonce, NULL) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG, tag) == 1 &&
             (length == 0 || EVP_DecryptUpdate(ctx, out, &written, sealed, (int)length) == 1) &&
             (size_t)written == length && EVP_DecryptFinal_ex(ctx, out + written, &final_written) == 1 &&
             final_written == 0;
    if (!ok) {
      /* A forged tag may leave an error on OpenSSL's per-thread queue, where a later node:crypto call would find it. */
      ERR_clear_error();
      OPENSSL_cleanse(out, length);
      break;
    }
    out += length;
  }
  napi_value result;
  napi_create_double(env, (double)verified, &result);
  return result;
}

/* SHA-512 of up to four concatenated parts (unused parts have length 0). */
static int sha512_of(EVP_MD_CTX *md, const uint8_t *const parts[4], const size_t lengths[4],
                     uint8_t out[SHA512_DIGEST]) {
  unsigned int written = 0;
  if (EVP_DigestInit_ex2(md, sha512, NULL) != 1) return 0;
  for (int i = 0; i < 4; i++) {
    if (lengths[i] > 0 && EVP_DigestUpdate(md, parts[i], lengths[i]) != 1) return 0;
  }
  return EVP_DigestFinal_ex(md, out, &written) == 1 && written == SHA512_DIGEST;
}

/*
 * hkdfExpandSha512(prk, info, out): out.length bytes of HKDF-Expand (RFC
 * 5869 2.3) with HMAC-SHA-512 (RFC 2104): T(i) = HMAC(prk, T(i-1) ‖ info ‖ i).
 */
static napi_value hkdf_expand_sha512(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  thread_state *state;
  uint8_t *prk, *data, *out;
  size_t prk_length, info_length, out_length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void **)&state) != napi_ok || argc != 3 ||
      !get_bytes(env, argv[0], &prk, &prk_length) || !get_bytes(env, argv[1], &data, &info_length) ||
      !get_bytes(env, argv[2], &out, &out_length)) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_ARGS", "hkdfExpandSha512(prk, info, out)", 0);
  }
  if (out_length > 255 * SHA512_DIGEST) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_SIZE", "HKDF-Expand output too long", 1);
  }
  if (!state->md && !(state->md = EVP_MD_CTX_new())) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_OPENSSL", "digest setup failed", 1);
  }
  /* Key material: wiped before returning. */
  uint8_t ipad[SHA512_BLOCK], opad[SHA512_BLOCK], t[SHA512_DIGEST], inner[SHA512_DIGEST];
  int ok = 1;
  memset(ipad, 0, sizeof ipad);
  if (prk_length > SHA512_BLOCK) {
    const uint8_t *parts[4] = {prk, NULL, NULL, NULL};
    const size_t lengths[4] = {prk_length, 0, 0, 0};
    ok = sha512_of(state->md, parts, lengths, ipad);
  } else if (prk_length > 0) {
    memcpy(ipad, prk, prk_length);
  }
  for (int j = 0; j < SHA512_BLOCK; j++) {
    opad[j] = ipad[j] ^ 0x5c;
    ipad[j] ^= 0x36;
  }
  size_t done = 0;
  for (uint8_t i = 1; ok && done < out_length; i++) {
    const uint8_t *inner_parts[4] = {ipad, t, data, &i};
    const size_t inner_lengths[4] = {SHA512_BLOCK, i == 1 ? 0 : SHA512_DIGEST, info_length, 1};
    const uint8_t *outer_parts[4] = {opad, inner, NULL, NULL};
    const size_t outer_lengths[4] = {SHA512_BLOCK, SHA512_DIGEST, 0, 0};
    ok = sha512_of(state->md, inner_parts, inner_lengths, inner) &&
         sha512_of(state->md, outer_parts, outer_lengths, t);
    size_t take = out_length - done < SHA512_DIGEST ? out_length - done : SHA512_DIGEST;
    if (ok) memcpy(out + done, t, take);
    done += take;
  }
  OPENSSL_cleanse(ipad, sizeof ipad);
  OPENSSL_cleanse(opad, sizeof opad);
  OPENSSL_cleanse(t, sizeof t);
  OPENSSL_cleanse(inner, sizeof inner);
  if (!ok) {
    ERR_clear_error();
    OPENSSL_cleanse(out, out_length);
    return fail(env, "ERR_COBBLESTONE_NATIVE_OPENSSL", "HKDF failed", 1);
  }
  return NULL;
}

NAPI_MODULE_INIT() {
  pthread_once(&fetch_once, fetch_algorithms);
  if (!aes_256_gcm || !sha512) {
    ERR_clear_error();
    napi_throw_error(env, "ERR_COBBLESTONE_NATIVE_OPENSSL", "AES-256-GCM or SHA-512 unavailable");
    return NULL;
  }
  thread_state *state = calloc(1, sizeof *state);
  if (!state || napi_set_instance_data(env, state, free_thread_state, NULL) != napi_ok) {
    free(state);
    napi_throw_error(env, "ERR_COBBLESTONE_NATIVE_MEMORY", "out of memory");
    return NULL;
  }
  napi_property_descriptor properties[] = {
      {"seal", NULL, seal, NULL, NULL, NULL, napi_enumerable, state},
      {"open", NULL, open_chunks, NULL, NULL, NULL, napi_enumerable, state},
      {"hkdfExpandSha512", NULL, hkdf_expand_sha512, NULL, NULL, NULL, napi_enumerable, state},
  };
  if (napi_define_properties(env, exports, 3, properties) != napi_ok) return NULL;
  return exports;
}
