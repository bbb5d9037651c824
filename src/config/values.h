#pragma once
// Parsers for the shapes a setting's value can take. Each reads one Assignment and throws ConfigError
// with a one-line message: where the value came from, the value (never for secrets) and what is accepted.
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/settings.h"
#include "util/bytes.h"

namespace cryftee::config {

// "<origin>: '<value>' <problem> (accepted: <accepted>)"; the value is left out when it is a secret.
std::string rejection(const Assignment& assignment, std::string_view problem, std::string_view accepted,
                      bool secret = false);
// Throws ConfigError(rejection(...)).
[[noreturn]] void reject(const Assignment& assignment, std::string_view problem, std::string_view accepted,
                         bool secret = false);

// The value made printable on one line and cut to a readable length, for error messages.
std::string quoted_for_message(std::string_view value);

std::string parse_text(const Assignment& assignment);
std::filesystem::path parse_path(const Assignment& assignment);
bool parse_bool(const Assignment& assignment);
// The value's text as accepted by parse_bool, or nullopt; for callers that hold plain text.
std::optional<bool> bool_from_text(std::string_view text);
std::uint64_t parse_integer(const Assignment& assignment, std::uint64_t min, std::uint64_t max);
std::string parse_choice(const Assignment& assignment, std::initializer_list<std::string_view> choices);
std::string parse_choice(const Assignment& assignment, std::span<const std::string_view> choices);
HostPort parse_host_port(const Assignment& assignment);
std::string parse_sha256_reference(const Assignment& assignment);
std::vector<std::string> parse_http_urls(const Assignment& assignment);
std::vector<uid_t> parse_uids(const Assignment& assignment);
// DNS names or IP addresses without a port, returned in lower case.
std::vector<std::string> parse_host_names(const Assignment& assignment);
// Comma-separated PCR indexes 0..max, no repeats, like "7" or "0,7".
std::vector<unsigned> parse_pcr_indexes(const Assignment& assignment, unsigned max);
// Module ids as the manifest spells them (letters, digits, _ . -, not starting with . or -).
std::vector<std::string> parse_module_ids(const Assignment& assignment);
// Base64 of exactly `size` bytes, not all zero; returns the text unchanged. Never echoes the value.
std::string parse_base64_secret(const Assignment& assignment, std::size_t size);
// "127.0.0.1:323" or "[::1]:323", as parse_host_port reads it.
std::string host_port_text(const HostPort& address);
// "unix:PATH" (an absolute path; unix:///PATH too) or HOST:PORT, into `target`'s unix_path or address.
void parse_grpc_signer_addr(const Assignment& assignment, GrpcSignerSettings& target);
// A public key or key handle as text; checked against the keys held only when the daemon starts.
std::string parse_key_reference(const Assignment& assignment);

}  // namespace cryftee::config
