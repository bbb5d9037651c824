/* Implementation of the module SDK (included by cryftee.h; modules include cryftee.h once). Written for
 * wasm32 without libc: no malloc, no stdio, only the arena below. */
#ifndef CRYFTEE_SDK_IMPL_H
#define CRYFTEE_SDK_IMPL_H

#ifdef __cplusplus
extern "C" {
#endif

#define CRYFTEE__PAGE 65536u
#define CRYFTEE__WRITER_START 1024u

extern unsigned char __heap_base;
static uintptr_t cryftee__arena_start;
static uintptr_t cryftee__arena_top;
static int cryftee__call_finished;

#ifndef CRYFTEE_SDK_HAVE_LIBC
/* The compiler may emit calls to these for copies and initialisers. */
void* memcpy(void* dst, const void* src, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  const unsigned char* s = (const unsigned char*)src;
  while (n--) *d++ = *s++;
  return dst;
}
void* memset(void* dst, int value, size_t n) {
  unsigned char* d = (unsigned char*)dst;
  while (n--) *d++ = (unsigned char)value;
  return dst;
}
int memcmp(const void* a, const void* b, size_t n) {
  const unsigned char* x = (const unsigned char*)a;
  const unsigned char* y = (const unsigned char*)b;
  for (; n; --n, ++x, ++y) {
    if (*x != *y) return *x - *y;
  }
  return 0;
}
#endif

void* cryftee_arena_alloc(uint32_t size) {
  if (cryftee__arena_start == 0) cryftee__arena_start = cryftee__arena_top = ((uintptr_t)&__heap_base + 15) & ~(uintptr_t)15;
  uintptr_t start = (cryftee__arena_top + 15) & ~(uintptr_t)15;
  uintptr_t end = start + size;
  if (end < start) return 0;
  uintptr_t have = (uintptr_t)__builtin_wasm_memory_size(0) * CRYFTEE__PAGE;
  if (end > have) {
    uintptr_t pages = (end - have + CRYFTEE__PAGE - 1) / CRYFTEE__PAGE;
    if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
  }
  cryftee__arena_top = end;
  return (void*)start;
}

CRYFTEE_EXPORT("cryftee_abi_version") int32_t cryftee_abi_version(void) { return CRYFTEE_ABI_VERSION; }

CRYFTEE_EXPORT("cryftee_alloc") int32_t cryftee_alloc(int32_t size) {
  if (cryftee__call_finished) {
    cryftee__arena_top = cryftee__arena_start;  /* the previous call's request and response are done */
    cryftee__call_finished = 0;
  }
  return (int32_t)(uintptr_t)cryftee_arena_alloc((uint32_t)size);
}

CRYFTEE_EXPORT("cryftee_handle")
int64_t cryftee_handle(int32_t op_ptr, int32_t op_len, int32_t req_ptr, int32_t req_len) {
  cryftee_str operation = {(const char*)(uintptr_t)op_ptr, (uint32_t)op_len};
  cryftee_str request = {(const char*)(uintptr_t)req_ptr, (uint32_t)req_len};
  cryftee_response response = cryftee_module_handle(operation, request);
  cryftee__call_finished = 1;
  return response;
}

cryftee_str cryftee_cstr(const char* text) {
  uint32_t n = 0;
  while (text[n]) ++n;
  cryftee_str s = {text, n};
  return s;
}

int cryftee_str_eq(cryftee_str a, const char* text) {
  uint32_t i = 0;
  for (; i < a.len; ++i) {
    if (text[i] == 0 || text[i] != a.ptr[i]) return 0;
  }
  return text[i] == 0;
}

/* ---- base64 and hex ---- */

static int cryftee__base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/* Standard alphabet, padded to whole groups of four: unpadded and URL-safe text is refused. */
int32_t cryftee_base64_decode(cryftee_str text, uint8_t* out, uint32_t cap) {
  uint32_t len = text.len;
  if (len % 4 != 0) return -1;
  while (len > 0 && text.len - len < 2 && text.ptr[len - 1] == '=') --len;
  uint32_t out_len = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
  if (out_len > cap) return -1;
  uint32_t acc = 0, bits = 0, o = 0;
  for (uint32_t i = 0; i < len; ++i) {
    int v = cryftee__base64_value(text.ptr[i]);
    if (v < 0) return -1;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (uint8_t)(acc >> bits);
    }
  }
  if (acc & ((1u << bits) - 1)) return -1; /* non-canonical trailing bits */
  return (int32_t)o;
}

static int cryftee__hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int32_t cryftee_hex_decode(cryftee_str text, uint8_t* out, uint32_t cap) {
  const char* p = text.ptr;
  uint32_t len = text.len;
  if (len >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    p += 2;
    len -= 2;
  }
  if (len % 2 != 0 || len / 2 > cap) return -1;
  for (uint32_t i = 0; i < len / 2; ++i) {
    int hi = cryftee__hex_value(p[2 * i]), lo = cryftee__hex_value(p[2 * i + 1]);
    if (hi < 0 || lo < 0) return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return (int32_t)(len / 2);
}

cryftee_str cryftee_base64_encode(const uint8_t* bytes, uint32_t len) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint32_t out_len = (len + 2) / 3 * 4;
  char* out = (char*)cryftee_arena_alloc(out_len);
  cryftee_str s = {out, out ? out_len : 0};
  if (!out) return s;
  uint32_t o = 0;
  for (uint32_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)bytes[i] << 16 | (i + 1 < len ? (uint32_t)bytes[i + 1] << 8 : 0) | (i + 2 < len ? bytes[i + 2] : 0);
    out[o++] = alphabet[v >> 18 & 63];
    out[o++] = alphabet[v >> 12 & 63];
    out[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
    out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
  }
  return s;
}

cryftee_str cryftee_hex_encode(const uint8_t* bytes, uint32_t len) {
  static const char digits[] = "0123456789abcdef";
  char* out = (char*)cryftee_arena_alloc(2 + 2 * len);
  cryftee_str s = {out, out ? 2 + 2 * len : 0};
  if (!out) return s;
  out[0] = '0';
  out[1] = 'x';
  for (uint32_t i = 0; i < len; ++i) {
    out[2 + 2 * i] = digits[bytes[i] >> 4];
    out[3 + 2 * i] = digits[bytes[i] & 15];
  }
  return s;
}

/* ---- JSON reading ---- */

static uint32_t cryftee__skip_ws(cryftee_str s, uint32_t i) {
  while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\n' || s.ptr[i] == '\r' || s.ptr[i] == '\t')) ++i;
  return i;
}

/* Index just past the string starting at s.ptr[i] == '"', or 0 when unterminated. */
static uint32_t cryftee__string_end(cryftee_str s, uint32_t i) {
  for (++i; i < s.len; ++i) {
    if (s.ptr[i] == '\\') {
      ++i;
    } else if (s.ptr[i] == '"') {
      return i + 1;
    }
  }
  return 0;
}

/* Index just past the value starting at i, or 0 when malformed. */
static uint32_t cryftee__value_end(cryftee_str s, uint32_t i) {
  if (i >= s.len) return 0;
  if (s.ptr[i] == '"') return cryftee__string_end(s, i);
  int depth = 0;
  for (; i < s.len; ++i) {
    char c = s.ptr[i];
    if (c == '"') {
      uint32_t end = cryftee__string_end(s, i);
      if (!end) return 0;
      i = end - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;
      if (--depth == 0) return i + 1;
    } else if (c == ',' && depth == 0) {
      return i;
    }
  }
  return depth == 0 ? i : 0;
}

static void cryftee__put_utf8(char* out, uint32_t* o, uint32_t cp) {
  if (cp < 0x80) {
    out[(*o)++] = (char)cp;
  } else if (cp < 0x800) {
    out[(*o)++] = (char)(0xc0 | cp >> 6);
    out[(*o)++] = (char)(0x80 | (cp & 63));
  } else {
    out[(*o)++] = (char)(0xe0 | cp >> 12);
    out[(*o)++] = (char)(0x80 | (cp >> 6 & 63));
    out[(*o)++] = (char)(0x80 | (cp & 63));
  }
}

/* Unescapes the JSON string token [start, end) (quotes included) into the arena. */
static int cryftee__unescape(cryftee_str s, uint32_t start, uint32_t end, cryftee_str* value) {
  char* out = (char*)cryftee_arena_alloc(end - start);
  if (!out) return 0;
  uint32_t o = 0;
  for (uint32_t i = start + 1; i + 1 < end; ++i) {
    char c = s.ptr[i];
    if (c != '\\') {
      out[o++] = c;
      continue;
    }
    c = s.ptr[++i];
    switch (c) {
      case 'n': out[o++] = '\n'; break;
      case 't': out[o++] = '\t'; break;
      case 'r': out[o++] = '\r'; break;
      case 'b': out[o++] = '\b'; break;
      case 'f': out[o++] = '\f'; break;
      case 'u': {
        if (i + 4 >= end) return 0;
        uint32_t cp = 0;
        for (int k = 1; k <= 4; ++k) {
          int v = cryftee__hex_value(s.ptr[i + k]);
          if (v < 0) return 0;
          cp = cp << 4 | (uint32_t)v;
        }
        i += 4;
        cryftee__put_utf8(out, &o, cp);
        break;
      }
      default: out[o++] = c; break; /* \" \\ \/ */
    }
  }
  value->ptr = out;
  value->len = o;
  return 1;
}

cryftee_json_kind cryftee_json_get(cryftee_str object, const char* key, cryftee_str* value) {
  uint32_t i = cryftee__skip_ws(object, 0);
  if (i >= object.len || object.ptr[i] != '{') return CRYFTEE_JSON_INVALID;
  i = cryftee__skip_ws(object, i + 1);
  while (i < object.len && object.ptr[i] != '}') {
    if (object.ptr[i] != '"') return CRYFTEE_JSON_INVALID;
    uint32_t key_end = cryftee__string_end(object, i);
    if (!key_end) return CRYFTEE_JSON_INVALID;
    cryftee_str name = {object.ptr + i + 1, key_end - i - 2};
    i = cryftee__skip_ws(object, key_end);
    if (i >= object.len || object.ptr[i] != ':') return CRYFTEE_JSON_INVALID;
    uint32_t value_start = cryftee__skip_ws(object, i + 1);
    uint32_t value_end = cryftee__value_end(object, value_start);
    if (!value_end || value_end <= value_start) return CRYFTEE_JSON_INVALID;
    if (cryftee_str_eq(name, key)) {
      if (object.ptr[value_start] != '"') {
        value->ptr = object.ptr + value_start;
        value->len = value_end - value_start;
        return CRYFTEE_JSON_OTHER;
      }
      return cryftee__unescape(object, value_start, value_end, value) ? CRYFTEE_JSON_STRING : CRYFTEE_JSON_INVALID;
    }
    i = cryftee__skip_ws(object, value_end);
    if (i < object.len && object.ptr[i] == ',') i = cryftee__skip_ws(object, i + 1);
  }
  return CRYFTEE_JSON_MISSING;
}

/* ---- JSON writing ---- */

static void cryftee__reserve(cryftee_json_writer* w, uint32_t more) {
  if (w->failed || w->len + more <= w->cap) return;
  uint32_t cap = w->cap ? w->cap : CRYFTEE__WRITER_START;
  while (cap < w->len + more) cap *= 2;
  char* bigger = (char*)cryftee_arena_alloc(cap);
  if (!bigger) {
    w->failed = 1;
    return;
  }
  if (w->len) memcpy(bigger, w->data, w->len);
  w->data = bigger;
  w->cap = cap;
}

static void cryftee__put(cryftee_json_writer* w, const char* text, uint32_t len) {
  cryftee__reserve(w, len);
  if (w->failed) return;
  memcpy(w->data + w->len, text, len);
  w->len += len;
}

static void cryftee__put_quoted(cryftee_json_writer* w, cryftee_str text) {
  static const char digits[] = "0123456789abcdef";
  cryftee__put(w, "\"", 1);
  for (uint32_t i = 0; i < text.len; ++i) {
    unsigned char c = (unsigned char)text.ptr[i];
    if (c == '"' || c == '\\') {
      char escaped[2] = {'\\', (char)c};
      cryftee__put(w, escaped, 2);
    } else if (c < 0x20) {
      char escaped[6] = {'\\', 'u', '0', '0', digits[c >> 4], digits[c & 15]};
      cryftee__put(w, escaped, 6);
    } else {
      cryftee__put(w, (const char*)&c, 1);
    }
  }
  cryftee__put(w, "\"", 1);
}

static void cryftee__put_key(cryftee_json_writer* w, const char* key) {
  cryftee__put(w, w->len > 1 ? ",\"" : "\"", w->len > 1 ? 2 : 1);
  cryftee_str k = cryftee_cstr(key);
  cryftee__put(w, k.ptr, k.len);
  cryftee__put(w, "\":", 2);
}

cryftee_json_writer cryftee_json_begin(void) {
  cryftee_json_writer w = {0, 0, 0, 0};
  cryftee__put(&w, "{", 1);
  return w;
}

void cryftee_json_string(cryftee_json_writer* w, const char* key, cryftee_str value) {
  cryftee__put_key(w, key);
  cryftee__put_quoted(w, value);
}

void cryftee_json_raw(cryftee_json_writer* w, const char* key, cryftee_str json_value) {
  cryftee__put_key(w, key);
  cryftee__put(w, json_value.ptr, json_value.len);
}

cryftee_response cryftee_json_end(cryftee_json_writer* w) {
  cryftee__put(w, "}", 1);
  if (w->failed) __builtin_trap(); /* out of memory: the host reports it against the memory limit */
  return (int64_t)(uintptr_t)w->data << 32 | w->len;
}

cryftee_response cryftee_error(int status, const char* code, const char* message) {
  char digits[4] = {(char)('0' + status / 100 % 10), (char)('0' + status / 10 % 10), (char)('0' + status % 10), 0};
  cryftee_json_writer w = cryftee_json_begin();
  cryftee_json_string(&w, "error", cryftee_cstr(code));
  cryftee_json_string(&w, "message", cryftee_cstr(message));
  cryftee_json_raw(&w, "status", cryftee_cstr(digits));
  return cryftee_json_end(&w);
}

#ifdef __cplusplus
}
#endif

#endif /* CRYFTEE_SDK_IMPL_H */
