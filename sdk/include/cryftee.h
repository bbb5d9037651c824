/* Cryftee module SDK, ABI v1 (docs/abi.md has the full contract).
 *
 * A module is one C (or C++) file built with clang-16 --target=wasm32 -nostdlib. It includes this header
 * once and defines
 *
 *     cryftee_response cryftee_module_handle(cryftee_str operation, cryftee_str request);
 *
 * The header provides everything else: the ABI exports (memory, cryftee_abi_version, cryftee_alloc,
 * cryftee_handle), the host imports (granted per module by the "imports" list of its manifest entry; a
 * module imports only what it calls), a per-call arena, a small JSON reader and writer, base64 and hex.
 *
 * Memory ownership: the module owns its memory. The host calls cryftee_alloc for the operation name and
 * the request, then cryftee_handle; the response stays valid until the next call begins. The SDK's arena
 * is reset when the host allocates for a new call, so nothing leaks between calls.
 *
 * Errors: return cryftee_error(status, code, message); the host answers the client with that HTTP status
 * and {"error": code, "message": message}. A host import that refuses (unknown key handle, egress to a
 * URL that is not allowed) ends the call with the host's error; the module does not see it.
 */
#ifndef CRYFTEE_SDK_H
#define CRYFTEE_SDK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRYFTEE_ABI_VERSION 1
#define CRYFTEE_EXPORT(name) __attribute__((export_name(name)))
#define CRYFTEE_IMPORT(name) __attribute__((import_module("cryftee"), import_name(name)))

typedef struct {
  const char* ptr;
  uint32_t len;
} cryftee_str;

/* (ptr << 32 | len) of a JSON response in module memory. */
typedef int64_t cryftee_response;

/* ---- host imports (declare only what you call; each must be granted in the manifest entry) ---- */

enum { CRYFTEE_LOG_DEBUG = 0, CRYFTEE_LOG_INFO = 1, CRYFTEE_LOG_WARN = 2, CRYFTEE_LOG_ERROR = 3 };
CRYFTEE_IMPORT("log") void cryftee_log(int32_t level, const char* text, uint32_t len);
CRYFTEE_IMPORT("random_bytes") int32_t cryftee_random_bytes(void* out, uint32_t len);
CRYFTEE_IMPORT("now_ms") int64_t cryftee_now_ms(void);
CRYFTEE_IMPORT("sha256") int32_t cryftee_sha256(const void* data, uint32_t len, uint8_t* out32);
CRYFTEE_IMPORT("output") void cryftee_output(const char* text, uint32_t len);

/* BLS key custody. Handles are short ASCII strings; secrets never leave the host. Results are written to
 * out; the return value is the number of bytes written, or -1 from the *_find calls when no key matches. */
enum { CRYFTEE_DST_SIG = 0, CRYFTEE_DST_POP = 1 };
#define CRYFTEE_BLS_PUBLIC_KEY_SIZE 48
#define CRYFTEE_BLS_SIGNATURE_SIZE 96
#define CRYFTEE_HANDLE_CAPACITY 96
CRYFTEE_IMPORT("bls_generate") int32_t cryftee_bls_generate(char* handle_out, uint32_t cap);
CRYFTEE_IMPORT("bls_find") int32_t cryftee_bls_find(const uint8_t* public_key, uint32_t len, char* handle_out, uint32_t cap);
CRYFTEE_IMPORT("bls_public_key") int32_t cryftee_bls_public_key(const char* handle, uint32_t handle_len, uint8_t* out48);
CRYFTEE_IMPORT("bls_pop") int32_t cryftee_bls_pop(const char* handle, uint32_t handle_len, uint8_t* out96);
CRYFTEE_IMPORT("bls_sign")
int32_t cryftee_bls_sign(const char* handle, uint32_t handle_len, const uint8_t* message, uint32_t message_len,
                         int32_t dst, uint8_t* out96);

/* BLS keys held by Web3Signer (granted separately). These wait on the network; their time does not count
 * against the module's deadline. bls_persist makes a key, imports it into Web3Signer as an EIP-2335
 * keystore (the password stays in the host), confirms Web3Signer lists it, and writes its handle and the
 * proof of possession made before the local secret was dropped. web3signer_find returns the handle length,
 * -1 when Web3Signer does not hold the key, -2 when the daemon runs without Web3Signer. web3signer_sign
 * passes a typed eth2 signing request (JSON text) to Web3Signer. bls_public_key works for these handles;
 * bls_pop returns -1 for a key whose proof of possession this process did not make, and bls_sign refuses
 * them (422): Web3Signer cannot sign raw messages. */
CRYFTEE_IMPORT("bls_persist") int32_t cryftee_bls_persist(char* handle_out, uint32_t cap, uint8_t* pop_out96);
CRYFTEE_IMPORT("web3signer_find")
int32_t cryftee_web3signer_find(const uint8_t* public_key, uint32_t len, char* handle_out, uint32_t cap);
CRYFTEE_IMPORT("web3signer_sign")
int32_t cryftee_web3signer_sign(const char* handle, uint32_t handle_len, const char* request, uint32_t request_len,
                                uint8_t* out96);

/* TLS (ECDSA P-256) key custody. tls_info writes JSON {"certificate": PEM, "pubkey": "0x..", "node_id"}. */
#define CRYFTEE_TLS_SIGNATURE_CAPACITY 80
CRYFTEE_IMPORT("tls_generate") int32_t cryftee_tls_generate(char* handle_out, uint32_t cap);
CRYFTEE_IMPORT("tls_find") int32_t cryftee_tls_find(const uint8_t* public_key, uint32_t len, char* handle_out, uint32_t cap);
CRYFTEE_IMPORT("tls_info") int32_t cryftee_tls_info(const char* handle, uint32_t handle_len, char* out, uint32_t cap);
CRYFTEE_IMPORT("tls_sign")
int32_t cryftee_tls_sign(const char* handle, uint32_t handle_len, const uint8_t* digest32, uint8_t* out, uint32_t cap);

/* HTTP egress to the configured Web3Signer URLs only: request JSON {method, url, headers, body}, response
 * JSON {status, body} written to out; returns its length. */
CRYFTEE_IMPORT("http_request") int32_t cryftee_http_request(const char* request, uint32_t len, char* out, uint32_t cap);

/* ---- the module's entry point ---- */
cryftee_response cryftee_module_handle(cryftee_str operation, cryftee_str request);

/* ---- arena, strings, bytes ---- */
void* cryftee_arena_alloc(uint32_t size); /* 0 when memory is exhausted; valid until the next call */
cryftee_str cryftee_cstr(const char* text);
int cryftee_str_eq(cryftee_str a, const char* text);

/* Decoders return the decoded length, or -1 for malformed input or when out (cap bytes) is too small. */
int32_t cryftee_base64_decode(cryftee_str text, uint8_t* out, uint32_t cap);
int32_t cryftee_hex_decode(cryftee_str text, uint8_t* out, uint32_t cap); /* optional 0x prefix */
/* Writes base64 (standard, padded) or "0x"-prefixed lower-case hex into the arena. */
cryftee_str cryftee_base64_encode(const uint8_t* bytes, uint32_t len);
cryftee_str cryftee_hex_encode(const uint8_t* bytes, uint32_t len);

/* ---- JSON reading: top-level members of an object ---- */
typedef enum { CRYFTEE_JSON_MISSING, CRYFTEE_JSON_STRING, CRYFTEE_JSON_OTHER, CRYFTEE_JSON_INVALID } cryftee_json_kind;
/* Finds member `key`; for a string, *value is its unescaped text (in the arena). */
cryftee_json_kind cryftee_json_get(cryftee_str object, const char* key, cryftee_str* value);

/* ---- JSON writing: one flat object per response ---- */
typedef struct {
  char* data;
  uint32_t len;
  uint32_t cap;
  int failed;
} cryftee_json_writer;
cryftee_json_writer cryftee_json_begin(void);
void cryftee_json_string(cryftee_json_writer* w, const char* key, cryftee_str value);
void cryftee_json_raw(cryftee_json_writer* w, const char* key, cryftee_str json_value);
cryftee_response cryftee_json_end(cryftee_json_writer* w);

cryftee_response cryftee_error(int status, const char* code, const char* message);

#ifdef __cplusplus
}
#endif

#include "cryftee_impl.h"

#endif /* CRYFTEE_SDK_H */
