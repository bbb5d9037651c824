#pragma once
// One HTTP/1.1 connection with keep-alive, the same code over a Unix socket, plain TCP and TLS. Each
// connection runs on its own strand of the shared thread pool, so a handler that blocks holds up only its
// own connection. The limits (header and body size, request and idle time) are enforced here; every
// error a client can cause is answered with the JSON error shape or a quiet close, never a crash.
//
// Times (idle, request, linger) are deadlines a connection notes, not timers: the server's sweep
// (check_deadline) closes a connection whose deadline has passed, at most one sweep period late. Beast's
// own timeouts re-arm a timer for every read and write, two timerfd_settime calls per request.
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "config/config.h"
#include "metrics/metrics.h"
#include "transport/beast_request.h"
#include "transport/connection_book.h"
#include "transport/handler.h"
#include "transport/keepalive_spin.h"
#include "transport/message.h"
#include "transport/request_head.h"
#include "transport/response_observer.h"
#include "util/log.h"

namespace cryftee::transport {

namespace beast = boost::beast;
namespace asio = boost::asio;

// Streams bound to their strand's own type, not asio's type-erased executor, which every operation copies.
using ConnectionExecutor = asio::strand<asio::io_context::executor_type>;
using UnixSocket = asio::basic_stream_socket<asio::local::stream_protocol, ConnectionExecutor>;
using TcpSocket = asio::basic_stream_socket<asio::ip::tcp, ConnectionExecutor>;
using UnixStream = beast::basic_stream<asio::local::stream_protocol, ConnectionExecutor>;
using TcpStream = beast::basic_stream<asio::ip::tcp, ConnectionExecutor>;
using TlsStream = beast::ssl_stream<TcpStream>;

// How long a closing connection keeps reading (and discarding) what the client still sends, so the
// client reads our final answer instead of a reset.
inline constexpr std::chrono::milliseconds kLingerOnClose{1'000};
// How much a connection reads at once while it waits for the first bytes of a request.
inline constexpr std::size_t kFirstReadBytes = 4096;
// Requests the keep-alive spin finds that one handler serves in a row before it goes back to the event
// loop, so timers, new connections and other work queued on this thread wait for at most this many.
inline constexpr unsigned kMaxSpunRequestsInPlace = 8;

struct SessionSettings {
  const Handler& handler;
  Limits limits;  // idle_timeout is the listener's own (the kiosk's is shorter)
  std::string listener_name;  // for logs: "uds", "https", "kiosk"
  ResponseObserver observer;  // may be empty
  KeepAliveSpin* keepalive_spin = nullptr;  // the server's; none: no spin
  // Set for a connection over its listener's budget: it is answered this (a 503) at once and closed.
  std::optional<Response> refusal = std::nullopt;
};

template <typename Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  Session(Stream stream, Peer peer, const SessionSettings& settings, ConnectionBook& book)
      : stream_(std::move(stream)), peer_(std::move(peer)), settings_(settings), book_(book) {}

  ~Session() override {
    if (counted_for_spin_) settings_.keepalive_spin->closed();
    book_.leave(peer_.limit_key);
  }

  void start() {
    book_.enter(this->shared_from_this());
    if (settings_.keepalive_spin != nullptr && !settings_.refusal) {
      settings_.keepalive_spin->opened();
      counted_for_spin_ = true;
    }
    if constexpr (kTls) {
      set_deadline(settings_.limits.request_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code error) { self->on_handshake(error); });
    } else {
      asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
    }
  }

  // From the server's sweep, on any thread: a connection past its deadline is closed on its strand.
  void check_deadline(std::chrono::steady_clock::time_point now) override {
    const auto deadline = deadline_.load(std::memory_order_relaxed);
    if (deadline == kNoDeadline || now.time_since_epoch().count() < deadline) return;
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->on_deadline(); });
  }

  void begin_shutdown() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stop_requested_ = true;
      if (self->idle_) self->lowest().cancel();
    });
  }

 private:
  auto& lowest() { return beast::get_lowest_layer(stream_); }

  static constexpr std::chrono::steady_clock::rep kNoDeadline = std::chrono::steady_clock::rep{0};
  // What the operations that follow may take, in all; replaces the deadline before it.
  void set_deadline(std::chrono::milliseconds allowed) {
    deadline_.store((std::chrono::steady_clock::now() + allowed).time_since_epoch().count(), std::memory_order_relaxed);
  }
  // While the handler works nothing is read or written, and nothing times out.
  void clear_deadline() { deadline_.store(kNoDeadline, std::memory_order_relaxed); }

  // The sweep saw the deadline pass; it may have moved since. Closing ends the pending operation with an
  // error, and its handler sees timed_out_.
  void on_deadline() {
    const auto deadline = deadline_.load(std::memory_order_relaxed);
    if (deadline == kNoDeadline || std::chrono::steady_clock::now().time_since_epoch().count() < deadline) return;
    clear_deadline();
    timed_out_ = true;
    lowest().close();
  }

  void on_handshake(beast::error_code error) {
    if (error) {
      log::debug("tls_handshake_failed", {{"peer", peer_.address}, {"error", error.message()}});
      return lowest().close();
    }
    SSL* ssl = stream_.native_handle();
    X509* certificate = SSL_get1_peer_certificate(ssl);
    peer_.client_cert_verified = certificate != nullptr && SSL_get_verify_result(ssl) == X509_V_OK;
    X509_free(certificate);
    begin();
  }

  // A refused connection gets its 503 without waiting for a request (an idle client would otherwise
  // see only a close); others wait for their first request.
  void begin() {
    if (settings_.refusal) return send(*settings_.refusal, RequestSummary{}, false);
    wait_for_request();
  }

  // Waits for the first bytes of the next request under the idle timeout; the request timeout starts
  // only when the client begins to send, so keep-alive connections may stay quiet for longer.
  void wait_for_request() {
    if (stop_requested_) return lowest().close();
    if (buffer_.size() > 0) return read_header();
    if (spin_for_request()) return serve_spun_request();
    idle_ = true;
    set_deadline(settings_.limits.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = this->shared_from_this()](beast::error_code error, std::size_t bytes) {
                              self->on_first_bytes(error, bytes);
                            });
  }

  // The keep-alive spin (transport/keepalive_spin.h), on plain streams: true when the next request's first
  // bytes came within the window (they are then in buffer_).
  bool spin_for_request() {
    if constexpr (kTls) {
      return false;
    } else {
      const auto window = settings_.keepalive_spin != nullptr ? settings_.keepalive_spin->window() : std::chrono::microseconds{0};
      if (window.count() == 0) return false;
      if (!spin_habit_.worth_spinning()) {
        unspun_since_ = std::chrono::steady_clock::now();
        unspun_window_ = window;
        return false;
      }
      const auto space = buffer_.prepare(kFirstReadBytes);
      const std::size_t got = spin_read(lowest().socket().native_handle(), space.data(), space.size(), window);
      metrics::process_metrics().count_keepalive_spin(got > 0);
      spin_habit_.spun(got > 0);
      if (got == 0) return false;
      buffer_.commit(got);
      return true;
    }
  }

  // Serves a request the spin found. A request answered in place ends in the spin for the next one, inside
  // the call that serves it: that nested find is left for the loop below, so the stack stays flat. The
  // loop serves them in this handler, not on a posted one: posting onto the connection's strand while it
  // runs makes asio wake another I/O thread (a sleeping one, with one client) for every request.
  void serve_spun_request() {
    if (serving_in_place_) {
      spun_request_waiting_ = true;
      return;
    }
    serving_in_place_ = true;
    unsigned served = 0;
    do {
      spun_request_waiting_ = false;
      read_header();
    } while (spun_request_waiting_ && ++served < kMaxSpunRequestsInPlace);
    serving_in_place_ = false;
    if (!spun_request_waiting_) return;
    spun_request_waiting_ = false;
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->read_header(); });
  }

  void on_first_bytes(beast::error_code error, std::size_t bytes) {
    idle_ = false;
    // End of stream, idle timeout, shutdown: nothing was asked, so nothing is answered or logged loudly.
    if (error) return lowest().close();
    if (unspun_window_.count() > 0) {
      spin_habit_.came_without_spin(std::chrono::steady_clock::now() - unspun_since_, unspun_window_);
      unspun_window_ = std::chrono::microseconds{0};
    }
    buffer_.commit(bytes);
    read_header();
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(settings_.limits.max_header_bytes, UINT32_MAX)));
    // The body limit is applied once the headers are in, so an oversized Content-Length is answered
    // with the method and path known (see on_header).
    parser_->body_limit(boost::none);
    set_deadline(settings_.limits.request_timeout);
    // A client usually sends a small request in one write, which the first read already holds: parse
    // it from the buffer instead of going round the event loop for it.
    if (buffer_.size() > 0) {
      beast::error_code error;
      buffer_.consume(parser_->put(buffer_.data(), error));
      if (error != beast::http::error::need_more) return on_header(error);
    }
    beast::http::async_read_header(stream_, buffer_, *parser_,
                                   [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                                     self->on_header(error);
                                   });
  }

  void on_header(beast::error_code error) {
    started_ = std::chrono::steady_clock::now();
    if (error) return on_read_error(error);
    if (auto refusal = refuse_head(parser_->get().base())) {
      return send(settings_.handler.refuse(*refusal), describe_request(), false);
    }
    const auto length = parser_->content_length();
    if (length && *length > settings_.limits.max_body_bytes) return refuse_body(std::to_string(*length) + " bytes");
    if (parser_->is_done()) return dispatch();
    parser_->body_limit(settings_.limits.max_body_bytes);
    if (beast::iequals(parser_->get()[beast::http::field::expect], "100-continue")) return send_continue();
    read_body();
  }

  // The client waits for this before it sends the body; refusals above are sent instead of it.
  void send_continue() {
    continue_.emplace(beast::http::status::continue_, 11);
    beast::http::async_write(stream_, *continue_, [self = this->shared_from_this()](beast::error_code error, std::size_t) {
      self->continue_.reset();
      if (error) return self->lowest().close();
      self->read_body();
    });
  }

  void read_body() {
    if (buffer_.size() > 0) {
      beast::error_code error;
      buffer_.consume(parser_->put(buffer_.data(), error));
      if (error && error != beast::http::error::need_more) return on_body(error);
      if (parser_->is_done()) return on_body({});
    }
    beast::http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code e, std::size_t) {
      self->on_body(e);
    });
  }

  void on_body(beast::error_code error) {
    if (error) return on_read_error(error);
    dispatch();
  }

  void refuse_body(const std::string& size) {
    send(settings_.handler.refuse(Error(413, "body_too_large",
                                        "the request body (" + size + ") is larger than the limit of " +
                                            std::to_string(settings_.limits.max_body_bytes) + " bytes (--max-body-bytes)")),
         describe_request(), false);
  }

  void on_read_error(beast::error_code error) {
    namespace http = beast::http;
    if (error == http::error::header_limit) {
      return send(settings_.handler.refuse(Error(431, "headers_too_large",
                                                 "the request headers are larger than the limit of " +
                                                     std::to_string(settings_.limits.max_header_bytes) +
                                                     " bytes (--max-header-bytes)")),
                  describe_request(), false);
    }
    if (error == http::error::body_limit) return refuse_body("sent in chunks");
    if (timed_out_) {
      // The socket is closed already: a slow client loses its connection, nobody else waits.
      log::warn("request_timed_out", {{"peer", peer_.address}, {"listener", settings_.listener_name},
                                      {"timeout_ms", settings_.limits.request_timeout.count()}});
      return;
    }
    if (error.category() == http::make_error_code(http::error::bad_method).category() &&
        error != http::error::partial_message && error != http::error::end_of_stream) {
      return send(settings_.handler.refuse(bad_request("the request is not valid HTTP/1.1: " + error.message(), "malformed_http")),
                  describe_request(), false);
    }
    log::debug("connection_closed_mid_request", {{"peer", peer_.address}, {"error", error.message()}});
    lowest().close();
  }

  struct RequestSummary {
    std::string method = "-";
    std::string path = "-";
  };

  RequestSummary describe_request() const {
    RequestSummary summary;
    if (parser_ && parser_->is_header_done()) {
      const auto& message = parser_->get();
      summary.method = std::string(message.method_string());
      std::map<std::string, std::string> no_query;
      parse_target(std::string(message.target()), summary.path, no_query);
    }
    return summary;
  }

  // A deferred route (key derivation) answers from another thread; the answer comes back to this
  // connection's strand, where nothing else runs in the meantime because no read is pending.
  void dispatch() {
    const bool keep_alive = parser_->keep_alive();
    Request request = request_from_beast(parser_->get(), peer_);
    RequestSummary summary{request.method, request.path};
    clear_deadline();
    // The read buffer may still hold the body's bytes (a keystore password): give its memory back, which
    // zeroes it (src/zero_on_free.cpp), unless a pipelined request is already waiting in it.
    if (buffer_.size() == 0) buffer_.shrink_to_fit();
    settings_.handler.handle(std::move(request), [self = this->shared_from_this(), summary, keep_alive](Response response) {
      asio::dispatch(self->stream_.get_executor(), [self, summary, keep_alive, response = std::move(response)]() mutable {
        self->send(std::move(response), summary, keep_alive);
      });
    });
  }

  // The answer goes out first; the metrics, the log line and the observer follow while the client reads
  // it, so they are not part of the client's wait.
  void send(Response response, const RequestSummary& summary, bool keep_alive) {
    namespace http = beast::http;
    const auto duration = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    keep_alive_ = keep_alive && !stop_requested_;
    response_.emplace();
    response_->version(11);
    response_->result(static_cast<unsigned>(response.status));
    response_->set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) response_->set(name, value);
    response_->keep_alive(keep_alive_);
    response_->body() = std::move(response.body);
    response_->prepare_payload();
    // HEAD: the headers of the GET answer (Content-Length included) without its body.
    if (summary.method == "HEAD") response_->body().clear();

    set_deadline(settings_.limits.request_timeout);
    const std::optional<beast::error_code> written = write_at_once();
    record(response, summary, duration);
    if (!written) return;
    // A pipelined request already in the buffer would be parsed at once by on_write and answered in place
    // again, one nested call per request: posting it lets other connections' work run in between (a client
    // that pipelines thousands of requests does not hold the thread) and keeps the stack flat.
    if (buffer_.size() == 0) return on_write(*written);
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), error = *written] { self->on_write(error); });
  }

  // Writes the answer now when the socket takes all of it (a small answer on a plain stream nearly always
  // does), and returns how that went; otherwise finishes it asynchronously and returns nothing. Writing
  // in place spares posting the completion (a trip through the scheduler, which may hand it to another
  // I/O thread) and the event-loop poll that follows it.
  std::optional<beast::error_code> write_at_once() {
    serializer_.emplace(*response_);
    if constexpr (!kTls) {
      auto& socket = lowest().socket();
      beast::error_code error;
      if (!socket.non_blocking()) socket.non_blocking(true, error);
      if (!error) beast::http::write(socket, *serializer_, error);
      if (error != asio::error::would_block) return error;
    }
    beast::http::async_write(stream_, *serializer_, [self = this->shared_from_this()](beast::error_code error, std::size_t) {
      self->on_write(error);
    });
    return std::nullopt;
  }

  void record(const Response& response, const RequestSummary& summary, double duration_ms) {
    if (settings_.observer) settings_.observer(response);
    metrics::process_metrics().observe_request(settings_.listener_name, summary.method,
                                               response.route.empty() ? metrics::kUnmatchedRoute : response.route,
                                               response.status, duration_ms / 1000);
    // Refusals are logged by the server, a line per burst rather than per connection.
    if (settings_.refusal) return;
    log::batched_fields(log::Level::Info, "request",
                        {{"duration_ms", std::round(duration_ms * 1000) / 1000},
                         {"listener", settings_.listener_name},
                         {"method", summary.method},
                         {"peer", peer_.address},
                         {"route", summary.path},
                         {"status", std::int64_t{response.status}}});
  }

  void on_write(beast::error_code error) {
    if (error) return lowest().close();
    serializer_.reset();
    response_.reset();
    if (!keep_alive_) return close_after_answer();
    // A body the handler never looked at (it answered early) is already consumed by the parser.
    parser_.reset();
    wait_for_request();
  }

  // Half-closes and reads away what the client still sends, so it sees our answer rather than a reset.
  void close_after_answer() {
    if constexpr (kTls) {
      lowest().close();
    } else {
      beast::error_code ignored;
      lowest().socket().shutdown(asio::socket_base::shutdown_send, ignored);
      set_deadline(kLingerOnClose);
      discard_until_closed();
    }
  }

  void discard_until_closed() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                              if (error) return self->lowest().close();
                              self->discard_until_closed();
                            });
  }

  Stream stream_;
  Peer peer_;
  const SessionSettings& settings_;
  ConnectionBook& book_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  std::optional<beast::http::response<beast::http::string_body>> response_;
  std::optional<beast::http::response_serializer<beast::http::string_body>> serializer_;  // writes response_
  std::optional<beast::http::response<beast::http::empty_body>> continue_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::atomic<std::chrono::steady_clock::rep> deadline_{kNoDeadline};  // read by the sweep's thread
  bool timed_out_ = false;
  bool idle_ = false;
  bool keep_alive_ = false;
  bool stop_requested_ = false;
  bool counted_for_spin_ = false;
  SpinHabit spin_habit_;
  bool serving_in_place_ = false;      // serve_spun_request's loop runs
  bool spun_request_waiting_ = false;  // the spin found a request while it ran
  // Set when the spin was skipped for this client's habit: when, and the window it would have had.
  std::chrono::steady_clock::time_point unspun_since_;
  std::chrono::microseconds unspun_window_{0};
};

}  // namespace cryftee::transport
