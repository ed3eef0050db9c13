/*
 * coffer's page-cache hint: posix_fadvise(POSIX_FADV_DONTNEED) on a range of
 * a file the CLI has written AND synced, so that a large encrypt/decrypt
 * output does not pile up in the page cache (see buffered-file-sink.ts).
 *
 * Node has no fadvise. The hint never loses data: the kernel drops only clean
 * pages of the range and keeps dirty ones (and starts writing them back).
 */
#define _POSIX_C_SOURCE 200112L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <node_api.h>

static napi_value throw_type(napi_env env, const char *message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

/* dropCachedRange(fd, offset, length): 0, or the errno posix_fadvise returned. */
static napi_value drop_cached_range(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 3)
    return throw_type(env, "dropCachedRange(fd, offset, length)");
  int32_t fd;
  int64_t offset;
  int64_t length;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int64(env, argv[1], &offset) != napi_ok ||
      napi_get_value_int64(env, argv[2], &length) != napi_ok)
    return throw_type(env, "dropCachedRange(fd, offset, length): numbers expected");
  if (fd < 0 || offset < 0 || length < 0) {
    napi_throw_range_error(env, NULL, "dropCachedRange: fd, offset and length must be >= 0");
    return NULL;
  }
  /* A zero length means "to the end of the file" to posix_fadvise: never meant here. */
  int rc = length == 0 ? 0 : posix_fadvise(fd, (off_t)offset, (off_t)length, POSIX_FADV_DONTNEED);
  napi_value result;
  napi_create_int32(env, rc, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  if (napi_create_function(env, "dropCachedRange", NAPI_AUTO_LENGTH, drop_cached_range, NULL,
                           &fn) != napi_ok ||
      napi_set_named_property(env, exports, "dropCachedRange", fn) != napi_ok)
    return NULL;
  return exports;
}
