/* bls_tls_signer_v1: the staking signer. It validates requests in both dialects of the client contract
 * and asks the host's key custody to generate, find and sign with keys by handle; it never sees a secret.
 * The host adds moduleId and moduleVersion to every answer. */
#include "cryftee.h"

#define MAX_MESSAGE_BYTES 65536 /* largest message a BLS or TLS sign request may carry, decoded */
#define MAX_PUBLIC_KEY_BYTES 128
#define DIGEST_SIZE 32
#define TLS_INFO_CAPACITY 4096
/* What the resolve helpers return when the request names no key at all (no valid response is -1). */
#define NO_KEY_NAMED ((cryftee_response)-1)

typedef struct {
  char text[CRYFTEE_HANDLE_CAPACITY];
  uint32_t len;
} handle;

static cryftee_response missing(const char* message) { return cryftee_error(400, "missing_field", message); }
static cryftee_response invalid(const char* message) { return cryftee_error(400, "invalid_field", message); }

/* A string member, or 0 when absent or not a string. */
static int get_string(cryftee_str request, const char* key, cryftee_str* value) {
  return cryftee_json_get(request, key, value) == CRYFTEE_JSON_STRING && value->len > 0;
}

/* Public keys arrive as base64 or as hex with or without 0x; hex wins when it has the expected size. */
static int32_t decode_key(cryftee_str text, uint8_t* out, uint32_t cap, uint32_t expected) {
  int32_t n = cryftee_hex_decode(text, out, cap);
  if (n == (int32_t)expected || (expected == 0 && n > 0)) return n;
  return cryftee_base64_decode(text, out, cap);
}

static int handle_from_request(cryftee_str request, handle* h) {
  cryftee_str value;
  if (!get_string(request, "keyHandle", &value) || value.len >= sizeof h->text) return 0;
  memcpy(h->text, value.ptr, value.len);
  h->len = value.len;
  return 1;
}

/* ---- BLS ---- */

/* Where a registered key lives, as the answer's "custody" says. */
static const char* const MEMORY = "memory";
static const char* const WEB3SIGNER = "web3signer";

static cryftee_response bls_key_response(const handle* h, const char* custody) {
  uint8_t public_key[CRYFTEE_BLS_PUBLIC_KEY_SIZE];
  uint8_t pop[CRYFTEE_BLS_SIGNATURE_SIZE];
  cryftee_bls_public_key(h->text, h->len, public_key);
  /* -1: a key only Web3Signer holds, whose proof of possession this process did not make. */
  int32_t pop_len = cryftee_bls_pop(h->text, h->len, pop);
  cryftee_json_writer w = cryftee_json_begin();
  cryftee_str handle_text = {h->text, h->len};
  cryftee_json_string(&w, "keyHandle", handle_text);
  cryftee_json_string(&w, "blsPubKeyB64", cryftee_base64_encode(public_key, sizeof public_key));
  cryftee_json_string(&w, "pubkey", cryftee_hex_encode(public_key, sizeof public_key));
  if (pop_len == CRYFTEE_BLS_SIGNATURE_SIZE) {
    cryftee_json_string(&w, "proofOfPossession", cryftee_hex_encode(pop, sizeof pop));
  } else {
    cryftee_json_raw(&w, "proofOfPossession", cryftee_cstr("null"));
  }
  cryftee_json_string(&w, "custody", cryftee_cstr(custody));
  return cryftee_json_end(&w);
}

/* The key a request names: keyHandle, or a public key looked up in memory custody and then in Web3Signer.
 * Returns an error response, or 0 with *h filled; *custody says where a looked-up key was found. */
static cryftee_response bls_resolve(cryftee_str request, handle* h, const char* key_field, const char** custody) {
  *custody = MEMORY;
  if (handle_from_request(request, h)) return 0;
  cryftee_str text;
  if (!get_string(request, key_field, &text)) return NO_KEY_NAMED;
  uint8_t public_key[MAX_PUBLIC_KEY_BYTES];
  if (decode_key(text, public_key, sizeof public_key, CRYFTEE_BLS_PUBLIC_KEY_SIZE) != CRYFTEE_BLS_PUBLIC_KEY_SIZE) {
    return invalid("the BLS public key must be 48 bytes as base64 or hex (with or without 0x)");
  }
  int32_t n = cryftee_bls_find(public_key, CRYFTEE_BLS_PUBLIC_KEY_SIZE, h->text, sizeof h->text);
  if (n < 0) {
    n = cryftee_web3signer_find(public_key, CRYFTEE_BLS_PUBLIC_KEY_SIZE, h->text, sizeof h->text);
    *custody = WEB3SIGNER;
  }
  if (n < 0) {
    return cryftee_error(404, "key_not_found",
                         n == -1 ? "no BLS key with this public key is held in memory or by Web3Signer; register it first"
                                 : "no BLS key with this public key is held; register it first");
  }
  h->len = (uint32_t)n;
  return 0;
}

static cryftee_response bls_register(cryftee_str request) {
  cryftee_str mode;
  if (!get_string(request, "mode", &mode)) {
    return missing("'mode' is required: ephemeral, generate, import, persistent or verify");
  }
  handle h;
  h.len = 0;
  const char* custody = MEMORY;
  if (cryftee_str_eq(mode, "verify")) {
    cryftee_str key;
    const char* field = get_string(request, "publicKey", &key) ? "publicKey" : "pubkey";
    if (!get_string(request, field, &key)) return missing("mode 'verify' needs 'publicKey' (base64 or hex)");
    /* The host never sets keyHandle on a verify request, so this looks the public key up. */
    cryftee_response error = bls_resolve(request, &h, field, &custody);
    if (error) return error;
    return bls_key_response(&h, custody);
  }
  if (cryftee_str_eq(mode, "ephemeral") || cryftee_str_eq(mode, "generate")) {
    /* The host has already imported ephemeralKeyB64 (and named the key in keyHandle) when one was sent. */
    if (!handle_from_request(request, &h)) h.len = (uint32_t)cryftee_bls_generate(h.text, sizeof h.text);
    return bls_key_response(&h, MEMORY);
  }
  if (cryftee_str_eq(mode, "import")) {
    /* The host has already decrypted the keystore with its password and named the key in keyHandle. */
    if (handle_from_request(request, &h)) return bls_key_response(&h, MEMORY);
    return missing("mode 'import' needs 'keystore' (an EIP-2335 keystore) and 'password'");
  }
  if (cryftee_str_eq(mode, "persistent")) {
    uint8_t pop[CRYFTEE_BLS_SIGNATURE_SIZE];
    h.len = (uint32_t)cryftee_bls_persist(h.text, sizeof h.text, pop);
    return bls_key_response(&h, WEB3SIGNER);
  }
  return invalid("unknown 'mode': use ephemeral, generate, import, persistent or verify");
}

/* A typed eth2 request in 'signingRequest' goes to Web3Signer unchanged. */
static cryftee_response bls_sign_typed(const handle* h, cryftee_str signing_request) {
  uint8_t signature[CRYFTEE_BLS_SIGNATURE_SIZE];
  cryftee_web3signer_sign(h->text, h->len, signing_request.ptr, signing_request.len, signature);
  cryftee_json_writer w = cryftee_json_begin();
  cryftee_json_string(&w, "signatureB64", cryftee_base64_encode(signature, sizeof signature));
  cryftee_json_string(&w, "signature", cryftee_hex_encode(signature, sizeof signature));
  return cryftee_json_end(&w);
}

static cryftee_response bls_sign(cryftee_str request) {
  handle h;
  h.len = 0;
  const char* custody;
  cryftee_response error = bls_resolve(request, &h, "pubkey", &custody);
  if (error == NO_KEY_NAMED) return missing("name the key with 'keyHandle' or 'pubkey'");
  if (error) return error;
  cryftee_str text;
  cryftee_json_kind typed = cryftee_json_get(request, "signingRequest", &text);
  if (typed == CRYFTEE_JSON_OTHER) return bls_sign_typed(&h, text);
  if (typed != CRYFTEE_JSON_MISSING) return invalid("'signingRequest' must be a JSON object (a typed eth2 signing request)");
  if (cryftee_json_get(request, "message", &text) != CRYFTEE_JSON_STRING &&
      cryftee_json_get(request, "data", &text) != CRYFTEE_JSON_STRING) {
    return missing("'message' (or 'data') is required: the bytes to sign, base64");
  }
  if (text.len / 4 * 3 > MAX_MESSAGE_BYTES + 3) {
    return cryftee_error(413, "message_too_large", "the message is larger than 65536 bytes");
  }
  uint8_t* message = (uint8_t*)cryftee_arena_alloc(MAX_MESSAGE_BYTES);
  int32_t message_len = cryftee_base64_decode(text, message, MAX_MESSAGE_BYTES);
  if (message_len < 0) return invalid("'message' (or 'data') is not valid base64 of at most 65536 bytes");
  int32_t dst = CRYFTEE_DST_SIG;
  cryftee_str dst_name;
  if (cryftee_json_get(request, "dst", &dst_name) == CRYFTEE_JSON_STRING) {
    if (cryftee_str_eq(dst_name, "pop")) {
      dst = CRYFTEE_DST_POP;
    } else if (!cryftee_str_eq(dst_name, "sig")) {
      return invalid("'dst' must be \"sig\" or \"pop\"");
    }
  }
  uint8_t signature[CRYFTEE_BLS_SIGNATURE_SIZE];
  cryftee_bls_sign(h.text, h.len, message, (uint32_t)message_len, dst, signature);
  cryftee_json_writer w = cryftee_json_begin();
  cryftee_json_string(&w, "signatureB64", cryftee_base64_encode(signature, sizeof signature));
  cryftee_json_string(&w, "signature", cryftee_hex_encode(signature, sizeof signature));
  return cryftee_json_end(&w);
}

static cryftee_response bls_pop(cryftee_str request) {
  handle h;
  h.len = 0;
  const char* custody;
  cryftee_response error = bls_resolve(request, &h, "pubkey", &custody);
  if (error == NO_KEY_NAMED) return missing("name the key with 'keyHandle' or 'pubkey'");
  if (error) return error;
  return bls_key_response(&h, custody);
}

/* ---- TLS ---- */

static int starts_with_node_id(cryftee_str text) {
  static const char prefix[] = "NodeID-";
  return text.len > sizeof prefix - 1 && memcmp(text.ptr, prefix, sizeof prefix - 1) == 0;
}

/* The key a request names: keyHandle, a node ID ("node_id", or "NodeID-..." in place of a public key) or
 * a public key. */
static cryftee_response tls_resolve(cryftee_str request, handle* h) {
  if (handle_from_request(request, h)) return 0;
  cryftee_str text;
  if (!get_string(request, "pubkey", &text) && !get_string(request, "publicKey", &text) &&
      !get_string(request, "node_id", &text) && !get_string(request, "nodeId", &text)) {
    return NO_KEY_NAMED;
  }
  if (starts_with_node_id(text)) {
    if (text.len > MAX_PUBLIC_KEY_BYTES) return invalid("the node ID is too long");
    int32_t found = cryftee_tls_find((const uint8_t*)text.ptr, text.len, h->text, sizeof h->text);
    if (found < 0) return cryftee_error(404, "key_not_found", "no TLS key with this node ID is held; register it first");
    h->len = (uint32_t)found;
    return 0;
  }
  uint8_t public_key[MAX_PUBLIC_KEY_BYTES];
  int32_t n = decode_key(text, public_key, sizeof public_key, 65);
  if (n <= 0) return invalid("the TLS public key must be a P-256 point or SubjectPublicKeyInfo, base64 or hex");
  int32_t found = cryftee_tls_find(public_key, (uint32_t)n, h->text, sizeof h->text);
  if (found < 0) return cryftee_error(404, "key_not_found", "no TLS key with this public key is held; register it first");
  h->len = (uint32_t)found;
  return 0;
}

static cryftee_response tls_key_response(const handle* h) {
  char* info = (char*)cryftee_arena_alloc(TLS_INFO_CAPACITY);
  int32_t n = cryftee_tls_info(h->text, h->len, info, TLS_INFO_CAPACITY);
  cryftee_str info_text = {info, (uint32_t)n};
  cryftee_str certificate, pubkey, node_id;
  cryftee_json_get(info_text, "certificate", &certificate);
  cryftee_json_get(info_text, "pubkey", &pubkey);
  cryftee_json_get(info_text, "node_id", &node_id);
  cryftee_json_writer w = cryftee_json_begin();
  cryftee_str handle_text = {h->text, h->len};
  cryftee_json_string(&w, "keyHandle", handle_text);
  cryftee_json_string(&w, "certChainPEM", certificate);
  cryftee_json_string(&w, "certificate", certificate);
  cryftee_json_string(&w, "pubkey", pubkey);
  cryftee_json_string(&w, "node_id", node_id);
  return cryftee_json_end(&w);
}

static cryftee_response tls_register(cryftee_str request) {
  cryftee_str mode;
  handle h;
  h.len = 0;
  if (get_string(request, "mode", &mode) && cryftee_str_eq(mode, "verify")) {
    cryftee_response error = tls_resolve(request, &h);
    if (error == NO_KEY_NAMED) return missing("mode 'verify' needs 'pubkey' (or 'publicKey') or 'node_id'");
    if (error) return error;
    return tls_key_response(&h);
  }
  /* The host has already imported privateKeyPEM (and named the key in keyHandle) when one was sent. */
  if (handle_from_request(request, &h)) return tls_key_response(&h);
  if (get_string(request, "mode", &mode) && cryftee_str_eq(mode, "import")) {
    return missing("mode 'import' needs 'privateKeyPEM' (and optionally 'certificatePEM')");
  }
  h.len = (uint32_t)cryftee_tls_generate(h.text, sizeof h.text);
  return tls_key_response(&h);
}

static cryftee_response tls_sign(cryftee_str request) {
  handle h;
  h.len = 0;
  cryftee_response error = tls_resolve(request, &h);
  if (error == NO_KEY_NAMED) return missing("name the key with 'keyHandle' or 'pubkey'");
  if (error) return error;
  cryftee_str algorithm;
  if (cryftee_json_get(request, "algorithm", &algorithm) == CRYFTEE_JSON_STRING &&
      !cryftee_str_eq(algorithm, "ECDSA_P256_SHA256")) {
    return cryftee_error(422, "unsupported_algorithm", "the TLS staking key signs only with ECDSA_P256_SHA256");
  }
  uint8_t digest[DIGEST_SIZE];
  cryftee_str text;
  if (cryftee_json_get(request, "digest", &text) == CRYFTEE_JSON_STRING) {
    if (cryftee_base64_decode(text, digest, sizeof digest) != DIGEST_SIZE) {
      return invalid("'digest' must be 32 bytes (a SHA-256 output), base64");
    }
  } else if (cryftee_json_get(request, "data", &text) == CRYFTEE_JSON_STRING) {
    if (text.len / 4 * 3 > MAX_MESSAGE_BYTES + 3) {
      return cryftee_error(413, "message_too_large", "'data' is larger than 65536 bytes");
    }
    uint8_t* data = (uint8_t*)cryftee_arena_alloc(MAX_MESSAGE_BYTES);
    int32_t data_len = cryftee_base64_decode(text, data, MAX_MESSAGE_BYTES);
    if (data_len < 0) return invalid("'data' is not valid base64 of at most 65536 bytes");
    cryftee_sha256(data, (uint32_t)data_len, digest);
  } else {
    return missing("'digest' (32 bytes, base64) or 'data' (base64, hashed with SHA-256) is required");
  }
  uint8_t signature[CRYFTEE_TLS_SIGNATURE_CAPACITY];
  int32_t n = cryftee_tls_sign(h.text, h.len, digest, signature, sizeof signature);
  cryftee_json_writer w = cryftee_json_begin();
  cryftee_json_string(&w, "signatureB64", cryftee_base64_encode(signature, (uint32_t)n));
  cryftee_json_string(&w, "signature", cryftee_hex_encode(signature, (uint32_t)n));
  return cryftee_json_end(&w);
}

cryftee_response cryftee_module_handle(cryftee_str operation, cryftee_str request) {
  if (cryftee_str_eq(operation, "bls_register")) return bls_register(request);
  if (cryftee_str_eq(operation, "bls_sign")) return bls_sign(request);
  if (cryftee_str_eq(operation, "bls_pop")) return bls_pop(request);
  if (cryftee_str_eq(operation, "tls_register")) return tls_register(request);
  if (cryftee_str_eq(operation, "tls_sign")) return tls_sign(request);
  return cryftee_error(404, "unknown_operation", "bls_tls_signer_v1 offers bls_register, bls_sign, bls_pop, tls_register, tls_sign");
}
