/* debug_v1: not a default for anything. Its operations echo a request and fail in each way a module can,
 * so the tests can show that a failing module never disturbs the daemon or the other modules. */
#include "cryftee.h"

#define ALLOC_CHUNK 65536u /* one page, so the last request that fails is the one crossing the limit */

static volatile uint32_t spin_counter;

static cryftee_response echo(cryftee_str request) {
  cryftee_json_writer w = cryftee_json_begin();
  cryftee_json_raw(&w, "echo", request);
  return cryftee_json_end(&w);
}

static cryftee_response loop_forever(void) {
  for (;;) spin_counter++;
}

/* Takes memory until the host's page limit refuses more, then fails like any out-of-memory program. */
static cryftee_response allocate_without_bound(void) {
  for (;;) {
    uint8_t* chunk = (uint8_t*)cryftee_arena_alloc(ALLOC_CHUNK);
    if (!chunk) __builtin_trap();
    chunk[ALLOC_CHUNK - 1] = 1;
  }
}

/* Asks the host to reach the URL in the request; only the configured Web3Signer URLs are allowed. */
static cryftee_response egress(cryftee_str request) {
  cryftee_str url;
  if (cryftee_json_get(request, "url", &url) != CRYFTEE_JSON_STRING) {
    return cryftee_error(400, "missing_field", "'url' is required");
  }
  cryftee_json_writer call = cryftee_json_begin();
  cryftee_json_string(&call, "method", cryftee_cstr("GET"));
  cryftee_json_string(&call, "url", url);
  cryftee_json_end(&call);
  const uint32_t capacity = 65536;
  char* out = (char*)cryftee_arena_alloc(capacity);
  int32_t n = cryftee_http_request(call.data, call.len, out, capacity);
  cryftee_str response = {out, (uint32_t)n};
  cryftee_json_writer w = cryftee_json_begin();
  cryftee_json_raw(&w, "response", response);
  return cryftee_json_end(&w);
}

cryftee_response cryftee_module_handle(cryftee_str operation, cryftee_str request) {
  if (cryftee_str_eq(operation, "debug_echo")) return echo(request);
  if (cryftee_str_eq(operation, "debug_trap")) __builtin_trap();
  if (cryftee_str_eq(operation, "debug_loop")) return loop_forever();
  if (cryftee_str_eq(operation, "debug_alloc")) return allocate_without_bound();
  if (cryftee_str_eq(operation, "debug_egress")) return egress(request);
  return cryftee_error(404, "unknown_operation",
                       "debug_v1 offers debug_echo, debug_trap, debug_loop, debug_alloc, debug_egress");
}
