/*
 * Cobblestone-256 chunk AEAD (AES-256-GCM, 16 KiB chunks) for Node, on the
 * OpenSSL that Node itself links and exports. Optional: the protocol package
 * uses it when it was built and passes a known-answer check at load
 * (src/cobblestone/native-gcm.ts), and node:crypto otherwise.
 *
 * Why it exists: node:crypto allocates a cipher object, a key schedule, a
 * ciphertext Buffer and a tag Buffer for every 16 KiB chunk, which costs
 * several times the AES itself (measured: ~1.5 GB/s per-chunk ceiling against
 * >10 GB/s for the cipher). Here one context per message keeps the key
 * schedule, only the nonce changes per chunk, and output goes straight into a
 * buffer the caller allocated once for many chunks.
 *
 * It only computes: no I/O, no threads, no state shared between contexts.
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
/* Counters are JS safe integers. */
#define MAX_COUNTER 9007199254740991.0

typedef struct {
  EVP_CIPHER_CTX *seal; /* created on first use: a message is sealed or opened, rarely both */
  EVP_CIPHER_CTX *open;
  uint8_t key[KEY];
  uint8_t base_nonce[NONCE];
} message_ctx;

static void free_message(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  message_ctx *m = data;
  EVP_CIPHER_CTX_free(m->seal); /* frees and cleanses the key schedule */
  EVP_CIPHER_CTX_free(m->open);
  OPENSSL_cleanse(m, sizeof *m);
  free(m);
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
static void chunk_nonce(const message_ctx *m, uint64_t counter, uint8_t nonce[NONCE]) {
  memcpy(nonce, m->base_nonce, NONCE);
  for (int i = 0; i < 8; i++) nonce[NONCE - 1 - i] ^= (uint8_t)(counter >> (8 * i));
}

/*
 * Fetched once per process and shared by every context and thread (an
 * EVP_CIPHER is immutable once fetched). EVP_aes_256_gcm() would look the
 * cipher up in the provider store on every init: about as costly as a whole
 * 1 KiB record.
 */
static EVP_CIPHER *aes_256_gcm;
static pthread_once_t aes_256_gcm_once = PTHREAD_ONCE_INIT;
static void fetch_aes_256_gcm(void) { aes_256_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL); }

static EVP_CIPHER_CTX *context_for(message_ctx *m, int sealing) {
  EVP_CIPHER_CTX **slot = sealing ? &m->seal : &m->open;
  if (*slot) return *slot;
  pthread_once(&aes_256_gcm_once, fetch_aes_256_gcm);
  if (!aes_256_gcm) return NULL;
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
  if (!ctx) return NULL;
  int ok = sealing ? EVP_EncryptInit_ex2(ctx, aes_256_gcm, m->key, NULL, NULL)
                   : EVP_DecryptInit_ex2(ctx, aes_256_gcm, m->key, NULL, NULL);
  if (ok != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return NULL;
  }
  *slot = ctx;
  return ctx;
}

/* create(key: Uint8Array(32), baseNonce: Uint8Array(12)) -> external */
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint8_t *key, *nonce;
  size_t key_length, nonce_length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 ||
      !get_bytes(env, argv[0], &key, &key_length) || key_length != KEY ||
      !get_bytes(env, argv[1], &nonce, &nonce_length) || nonce_length != NONCE) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_ARGS", "create(key32, nonce12)", 0);
  }
  message_ctx *m = calloc(1, sizeof *m);
  if (!m) return fail(env, "ERR_COBBLESTONE_NATIVE_MEMORY", "out of memory", 1);
  memcpy(m->key, key, KEY);
  memcpy(m->base_nonce, nonce, NONCE);
  napi_value external;
  if (napi_create_external(env, m, free_message, NULL, &external) != napi_ok) {
    free_message(env, m, NULL);
    return NULL;
  }
  return external;
}

typedef struct {
  message_ctx *m;
  uint64_t counter;
  uint8_t *in;
  size_t in_length;
  uint8_t *out;
  size_t out_length;
  size_t offset;
} chunk_args;

static int get_chunk_args(napi_env env, napi_callback_info info, chunk_args *a) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5) return 0;
  if (napi_get_value_external(env, argv[0], (void **)&a->m) != napi_ok || !a->m) return 0;
  return get_counter(env, argv[1], &a->counter) && get_bytes(env, argv[2], &a->in, &a->in_length) &&
         get_bytes(env, argv[3], &a->out, &a->out_length) && get_offset(env, argv[4], &a->offset);
}

/*
 * seal(ctx, firstCounter, plaintext, out, offset) -> end offset.
 * plaintext is cut into 16 KiB chunks, the last one possibly shorter; an
 * empty plaintext is one empty chunk. Each chunk's ciphertext ‖ tag is
 * written at out[offset...], in order.
 */
static napi_value seal(napi_env env, napi_callback_info info) {
  chunk_args a;
  if (!get_chunk_args(env, info, &a)) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_ARGS", "seal(ctx, counter, plaintext, out, offset)", 0);
  }
  size_t chunks = a.in_length == 0 ? 1 : (a.in_length + CHUNK - 1) / CHUNK;
  if (a.offset > a.out_length || a.out_length - a.offset < a.in_length + chunks * TAG ||
      (double)(a.counter + chunks) > MAX_COUNTER) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_SIZE", "output too small or counter too large", 1);
  }
  EVP_CIPHER_CTX *ctx = context_for(a.m, 1);
  if (!ctx) return fail(env, "ERR_COBBLESTONE_NATIVE_OPENSSL", "cipher setup failed", 1);
  uint8_t *out = a.out + a.offset;
  for (size_t i = 0; i < chunks; i++) {
    size_t length = a.in_length - i * CHUNK < CHUNK ? a.in_length - i * CHUNK : CHUNK;
    uint8_t nonce[NONCE];
    int written = 0, final_written = 0;
    chunk_nonce(a.m, a.counter + i, nonce);
    if (EVP_EncryptInit_ex2(ctx, NULL, NULL, nonce, NULL) != 1 ||
        (length > 0 && EVP_EncryptUpdate(ctx, out, &written, a.in + i * CHUNK, (int)length) != 1) ||
        (size_t)written != length || EVP_EncryptFinal_ex(ctx, out + written, &final_written) != 1 ||
        final_written != 0 || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG, out + length) != 1) {
      ERR_clear_error();
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
 * open(ctx, firstCounter, sealed, out, offset) -> chunks verified.
 * sealed is cut into 16 400-byte sealed chunks, the last one possibly shorter
 * (at least its 16-byte tag). Plaintext goes to out[offset...]. Stops at the
 * first chunk that does not authenticate, wipes what it wrote for it, and
 * returns how many chunks before it verified (all of them on success).
 */
static napi_value open_chunks(napi_env env, napi_callback_info info) {
  chunk_args a;
  if (!get_chunk_args(env, info, &a)) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_ARGS", "open(ctx, counter, sealed, out, offset)", 0);
  }
  size_t chunks = (a.in_length + SEALED - 1) / SEALED;
  size_t last = a.in_length - (chunks > 0 ? (chunks - 1) * SEALED : 0);
  if (chunks == 0 || last < TAG || a.offset > a.out_length ||
      a.out_length - a.offset < a.in_length - chunks * TAG || (double)(a.counter + chunks) > MAX_COUNTER) {
    return fail(env, "ERR_COBBLESTONE_NATIVE_SIZE", "bad sealed length, output too small or counter too large", 1);
  }
  EVP_CIPHER_CTX *ctx = context_for(a.m, 0);
  if (!ctx) return fail(env, "ERR_COBBLESTONE_NATIVE_OPENSSL", "cipher setup failed", 1);
  size_t verified = 0;
  uint8_t *out = a.out + a.offset;
  for (; verified < chunks; verified++) {
    const uint8_t *sealed = a.in + verified * SEALED;
    size_t length = (verified + 1 == chunks ? last : SEALED) - TAG;
    uint8_t nonce[NONCE];
    int written = 0, final_written = 0;
    chunk_nonce(a.m, a.counter + verified, nonce);
    /* The tag is copied: the context must not point into JS memory. */
    uint8_t tag[TAG];
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

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"create", NULL, create, NULL, NULL, NULL, napi_enumerable, NULL},
      {"seal", NULL, seal, NULL, NULL, NULL, napi_enumerable, NULL},
      {"open", NULL, open_chunks, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, 3, properties) != napi_ok) return NULL;
  return exports;
}
