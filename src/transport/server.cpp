#include "transport/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <future>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "config/defaults.h"
#include "transport/connection_book.h"
#include "transport/descriptor_limit.h"
#include "transport/keepalive_spin.h"
#include "transport/listener_error.h"
#include "transport/loopback_peer_uid.h"
#include "transport/peer_credentials.h"
#include "transport/session.h"
#include "transport/tls_context.h"
#include "transport/uds_path.h"
#include "util/log.h"

namespace cryftee::transport {
namespace {

using asio::ip::tcp;
using local_stream = asio::local::stream_protocol;

// After a failed accept (e.g. out of file descriptors) wait before the next one instead of spinning,
// longer each time while the failures last.
constexpr std::chrono::milliseconds kFirstAcceptRetryDelay{50};
constexpr std::chrono::milliseconds kMaxAcceptRetryDelay{2'000};
// Connections over a budget that are being answered 503 at a time; beyond these one is closed unanswered.
constexpr std::size_t kRefusalSlots = 16;
// How long a refused connection may take to receive its 503.
constexpr std::chrono::milliseconds kRefusalTimeout{1'000};
// Refusals come in bursts: one log line for the first, then at most one per interval with the count.
constexpr std::chrono::seconds kRefusalLogInterval{10};
// Connections' deadlines are checked this many times per shortest time a connection may be given (so a
// timeout ends at most an eighth late), but not more often than every kMinSweep nor less than every kMaxSweep.
constexpr int kSweepsPerShortestTimeout = 8;
constexpr std::chrono::milliseconds kMinSweep{5};
constexpr std::chrono::milliseconds kMaxSweep{250};
// The socket is bound under this umask so it is never, even briefly, more open than its final mode.
constexpr mode_t kSocketBindUmask = 0177;

// Counts like events and says when one should be logged: the first, then one per interval.
class BurstLog {
 public:
  // The number of events since the last logged one (this one included) when this one is to be logged.
  std::optional<std::size_t> note() {
    std::lock_guard lock(mutex_);
    ++unlogged_;
    const auto now = std::chrono::steady_clock::now();
    if (logged_ && now - last_logged_ < kRefusalLogInterval) return std::nullopt;
    logged_ = true;
    last_logged_ = now;
    return std::exchange(unlogged_, 0);
  }

 private:
  std::mutex mutex_;
  bool logged_ = false;
  std::chrono::steady_clock::time_point last_logged_;
  std::size_t unlogged_ = 0;
};

// A listener's connection budget: the connections it admits, the few over budget that are being
// answered 503, and the session settings of each.
struct Budget {
  Budget(const ListenerSpec& spec, KeepAliveSpin& keepalive_spin)
      : settings{*spec.handler, spec.limits, spec.name, spec.observer, &keepalive_spin},
        listener_full(refusal_settings(settings,
                                       "the " + spec.name + " listener has its limit of " +
                                           std::to_string(spec.max_connections) + " open connections (" +
                                           spec.max_connections_setting + "); try again shortly")),
        peer_full(refusal_settings(settings,
                                   "this address has its limit of " + std::to_string(spec.max_connections_per_peer) +
                                       " open connections to the " + spec.name + " listener (" +
                                       spec.max_connections_setting + "-per-peer); close one first")),
        admitted(spec.max_connections, spec.max_connections_per_peer),
        max_connections(spec.max_connections),
        max_per_peer(spec.max_connections_per_peer) {}

  // The 503 a connection over the budget gets at once, before it is closed.
  static SessionSettings refusal_settings(const SessionSettings& base, const std::string& message) {
    SessionSettings refusal = base;
    refusal.limits.request_timeout = kRefusalTimeout;
    refusal.limits.idle_timeout = kRefusalTimeout;
    refusal.refusal = base.handler.refuse(unavailable(message, "too_many_connections"));
    refusal.refusal->headers.emplace_back("Retry-After", "1");
    return refusal;
  }

  SessionSettings settings;
  SessionSettings listener_full;
  SessionSettings peer_full;
  ConnectionBook admitted;
  ConnectionBook refusing{kRefusalSlots};
  BurstLog refusal_log;
  std::size_t max_connections;
  std::size_t max_per_peer;
};

// Failed accepts of one listener in a row; touched only on the listener's strand.
struct AcceptBackoff {
  std::chrono::milliseconds delay{0};
  std::size_t failures = 0;
};

unsigned resolve_io_threads(unsigned configured) {
  if (configured > 0) return configured;
  return std::max(1u, std::thread::hardware_concurrency());
}

tcp::endpoint resolve_endpoint(asio::io_context& io, const HostPort& address, const std::string& listener) {
  std::string host = address.host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code error;
  const auto literal = asio::ip::make_address(host, error);
  if (!error) return tcp::endpoint(literal, address.port);
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, std::to_string(address.port), tcp::resolver::passive, error);
  if (error || results.empty()) {
    throw ListenerError(listener + ": cannot resolve '" + host + "' (--http-addr): " + error.message());
  }
  return results.begin()->endpoint();
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  const std::string host = endpoint.address().to_string();
  return (endpoint.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(endpoint.port());
}

}  // namespace

class Server::Impl {
 public:
  Impl(const Config& config, std::vector<ListenerSpec> listeners)
      : config_(config), keepalive_spin_(config.keepalive_spin, resolve_io_threads(config.io_threads)) {
    for (ListenerSpec& spec : listeners) {
      if (spec.endpoint == Endpoint::Unix) {
        open_unix_listener(std::move(spec));
      } else {
        if (spec.endpoint == Endpoint::Tls && !tls_) tls_.emplace(make_tls_context(config));
        open_tcp_listener(std::move(spec));
      }
    }
    check_descriptor_limit();
  }

  void run(const ServerEvents& events) {
    if (unix_) accept_unix();
    for (auto& listener : tcp_listeners_) accept_tcp(*listener);
    sweep_deadlines();

    const unsigned thread_count = resolve_io_threads(config_.io_threads);
    std::vector<std::thread> threads;
    threads.reserve(thread_count);
    for (unsigned i = 0; i < thread_count; ++i) threads.emplace_back([this] { io_.run(); });
    nlohmann::json budgets = nlohmann::json::object();
    for (const Budget& budget : budgets_) budgets[budget.settings.listener_name] = budget.max_connections;
    log::info("serving", {{"io_threads", thread_count}, {"max_connections", budgets}});
    if (events.serving) events.serving();

    {
      std::unique_lock lock(stop_mutex_);
      stop_wanted_.wait(lock, [this] { return stop_requested_; });
    }
    log::info("stopping", {{"drain_ms", defaults::kShutdownDrain.count()}});
    if (events.stopping) events.stopping();
    close_acceptors();
    const std::size_t still_open = drain_every_budget();
    if (still_open > 0) log::warn("drain_timeout", {{"open_connections", still_open}});
    // Nothing accepts any more: the socket goes now, before joining threads that may still be stuck in work.
    socket_file_.remove();
    io_.stop();
    for (auto& thread : threads) thread.join();
    log::info("stopped");
  }

  void stop() {
    std::lock_guard lock(stop_mutex_);
    stop_requested_ = true;
    stop_wanted_.notify_all();
  }

 private:
  struct UnixListener {
    local_stream::acceptor acceptor;
    ListenerSpec spec;
    Budget& budget;
    AcceptBackoff backoff;
  };
  struct TcpListener {
    tcp::acceptor acceptor;
    ListenerSpec spec;
    Budget& budget;
    AcceptBackoff backoff;
  };

  // One timer for every connection's idle, request and linger deadlines (transport/session.h).
  void sweep_deadlines() {
    deadline_sweep_.expires_after(sweep_period());
    deadline_sweep_.async_wait([this](boost::system::error_code error) {
      if (error) return;
      const auto now = std::chrono::steady_clock::now();
      for (Budget& budget : budgets_) {
        budget.admitted.check_deadlines(now);
        budget.refusing.check_deadlines(now);
      }
      sweep_deadlines();
    });
  }

  std::chrono::milliseconds sweep_period() const {
    std::chrono::milliseconds shortest = std::min(kLingerOnClose, kRefusalTimeout);
    for (const Budget& budget : budgets_) {
      shortest = std::min({shortest, budget.settings.limits.idle_timeout, budget.settings.limits.request_timeout});
    }
    return std::clamp(shortest / kSweepsPerShortestTimeout, kMinSweep, kMaxSweep);
  }

  void check_descriptor_limit() const {
    std::size_t needed = kDescriptorsBesidesConnections;
    for (const Budget& budget : budgets_) needed += budget.max_connections + kRefusalSlots;
    const std::size_t limit = raise_descriptor_limit(needed);
    if (limit < needed) {
      log::warn("descriptor_limit_low", {{"limit", limit}, {"needed", needed},
                                         {"message", "the connection limits need more file descriptors than the process "
                                                     "may open; raise LimitNOFILE in the service or lower the limits"}});
    }
  }

  void open_unix_listener(ListenerSpec spec) {
    if (unix_) throw ListenerError(spec.name + ": the server takes one Unix socket listener");
    const std::filesystem::path path = spec.unix_path;
    prepare_socket_path(path);
    Budget& budget = budgets_.emplace_back(spec, keepalive_spin_);
    unix_.reset(new UnixListener{local_stream::acceptor(asio::make_strand(io_)), std::move(spec), budget, {}});
    boost::system::error_code error;
    unix_->acceptor.open(local_stream(), error);
    if (!error) {
      const mode_t previous = ::umask(kSocketBindUmask);
      unix_->acceptor.bind(local_stream::endpoint(path.string()), error);
      ::umask(previous);
    }
    if (error) throw ListenerError("unix socket " + path.string() + ": cannot bind: " + error.message());
    socket_file_ = SocketFile(path, defaults::kUdsSocketMode);
    unix_->acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) throw ListenerError("unix socket " + path.string() + ": cannot listen: " + error.message());
    log::info("listening", {{"listener", unix_->spec.name}, {"path", path.string()}, {"mode", "0660"},
                            {"allowed_peer_uids", unix_->spec.allowed_uids}});
  }

  void open_tcp_listener(ListenerSpec spec) {
    const tcp::endpoint endpoint = resolve_endpoint(io_, spec.tcp_address, spec.name);
    Budget& budget = budgets_.emplace_back(spec, keepalive_spin_);
    std::unique_ptr<TcpListener> listener(new TcpListener{tcp::acceptor(asio::make_strand(io_)), std::move(spec), budget, {}});
    const std::string& name = listener->spec.name;
    boost::system::error_code error;
    listener->acceptor.open(endpoint.protocol(), error);
    if (!error) listener->acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) listener->acceptor.bind(endpoint, error);
    if (!error) listener->acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      throw ListenerError(name + " listener " + endpoint_text(endpoint) + ": " + error.message() +
                          " (choose another --http-addr)");
    }
    log::info("listening", {{"listener", name}, {"address", endpoint_text(listener->acceptor.local_endpoint())},
                            {"tls", listener->spec.endpoint == Endpoint::Tls}});
    if (listener->spec.peer_check != PeerCheck::None) {
      log::info("http_peer_uids", {{"listener", name}, {"allowed_peer_uids", listener->spec.allowed_uids}});
    }
    tcp_listeners_.push_back(std::move(listener));
  }

  // Whether the listener admits the peer, by the uid the kernel named for it (see PeerCheck).
  static bool peer_allowed(const Peer& peer, const ListenerSpec& spec) {
    const auto& allowed = spec.allowed_uids;
    const bool required = spec.peer_check == PeerCheck::LoopbackUid ||
                          (spec.peer_check == PeerCheck::UnixUid && !allowed.empty());
    if (!required) return true;
    if (peer.uid && std::find(allowed.begin(), allowed.end(), *peer.uid) != allowed.end()) return true;
    log::warn("connection_refused", {{"peer", peer.address}, {"listener", spec.name},
                                     {"reason", "peer uid is not in allowed_peer_uids"}});
    return false;
  }

  // Starts a session for an accepted connection: within the budget a served one; over it, while refusal
  // slots last, one that answers 503 too_many_connections and closes; otherwise the connection is closed.
  // `start(settings, book, peer)` makes the session.
  template <typename Start>
  void admit(Budget& budget, Peer peer, const ListenerSpec& spec, Start start) {
    if (!peer_allowed(peer, spec)) return;
    const Admission admission = budget.admitted.reserve(peer.limit_key);
    if (admission == Admission::Admitted) return start(budget.settings, budget.admitted, std::move(peer));
    if (admission == Admission::Stopping) return;
    const bool peer_full = admission == Admission::PeerFull;
    if (const auto refused = budget.refusal_log.note()) {
      log::warn("connection_refused", {{"peer", peer.address}, {"listener", spec.name},
                                       {"reason", peer_full ? "per-peer connection limit reached" : "connection limit reached"},
                                       {"limit", peer_full ? budget.max_per_peer : budget.max_connections},
                                       {"refused_since_last_line", *refused}});
    }
    if (budget.refusing.reserve() != Admission::Admitted) return;
    start(peer_full ? budget.peer_full : budget.listener_full, budget.refusing, std::move(peer));
  }

  void accept_unix() {
    unix_->acceptor.async_accept(asio::make_strand(io_), [this](boost::system::error_code error, UnixSocket socket) {
      if (error == asio::error::operation_aborted) return;
      const std::string& name = unix_->spec.name;
      if (error) return retry_accept(unix_->acceptor, unix_->backoff, name, [this] { accept_unix(); }, error);
      accepted_again(unix_->backoff, name);
      admit(unix_->budget, unix_peer(socket.native_handle()), unix_->spec,
            [&socket](const SessionSettings& settings, ConnectionBook& book, Peer peer) {
              std::make_shared<Session<UnixStream>>(UnixStream(std::move(socket)), std::move(peer), settings, book)->start();
            });
      accept_unix();
    });
  }

  void accept_tcp(TcpListener& listener) {
    listener.acceptor.async_accept(asio::make_strand(io_), [this, &listener](boost::system::error_code error, TcpSocket socket) {
      if (error == asio::error::operation_aborted) return;
      const ListenerSpec& spec = listener.spec;
      if (error) return retry_accept(listener.acceptor, listener.backoff, spec.name, [this, &listener] { accept_tcp(listener); }, error);
      accepted_again(listener.backoff, spec.name);
      boost::system::error_code endpoint_error;
      const auto remote = socket.remote_endpoint(endpoint_error);
      if (!endpoint_error) {
        const bool tls = spec.endpoint == Endpoint::Tls;
        Peer peer = tcp_peer(remote, tls ? PeerTransport::Tls : PeerTransport::Tcp);
        if (spec.peer_check == PeerCheck::LoopbackUid) identify_loopback_peer(socket, remote, peer);
        // A local client (cryftgo on the same machine) is known by its uid too; one the allow-list names is
        // served like a socket peer, any other needs a client certificate or the token.
        if (spec.peer_check == PeerCheck::LoopbackUidIfKnown && peer.loopback) {
          identify_loopback_peer(socket, remote, peer);
          if (peer.uid && std::find(spec.allowed_uids.begin(), spec.allowed_uids.end(), *peer.uid) == spec.allowed_uids.end()) {
            peer.uid.reset();
          }
        }
        admit(listener.budget, std::move(peer), spec,
              [this, tls, &socket](const SessionSettings& settings, ConnectionBook& book, Peer admitted) {
                start_tcp_session(tls, std::move(socket), settings, book, std::move(admitted));
              });
      }
      accept_tcp(listener);
    });
  }

  // A loopback peer is known as a Unix-socket peer is: by the uid the kernel records, which is then also
  // what per-peer limits count.
  static void identify_loopback_peer(const TcpSocket& socket, const tcp::endpoint& remote, Peer& peer) {
    boost::system::error_code error;
    const tcp::endpoint local = socket.local_endpoint(error);
    if (!error && peer.loopback) peer.uid = loopback_peer_uid(local, remote);
    peer.address += peer.uid ? " uid=" + std::to_string(*peer.uid) : " uid=unknown";
    if (peer.uid) peer.limit_key = "uid=" + std::to_string(*peer.uid);
  }

  void start_tcp_session(bool tls, TcpSocket socket, const SessionSettings& settings, ConnectionBook& book, Peer peer) {
    if (tls) {
      std::make_shared<Session<TlsStream>>(TlsStream(TcpStream(std::move(socket)), *tls_), std::move(peer), settings, book)->start();
    } else {
      std::make_shared<Session<TcpStream>>(TcpStream(std::move(socket)), std::move(peer), settings, book)->start();
    }
  }

  // Out of file descriptors (EMFILE, ENFILE) an accept fails until a connection closes: wait, longer
  // each time, and log the first failure of a run and the recovery, not every retry.
  template <typename Acceptor, typename Again>
  void retry_accept(Acceptor& acceptor, AcceptBackoff& backoff, const std::string& listener, Again again,
                    const boost::system::error_code& error) {
    if (backoff.failures++ == 0) {
      log::warn("accept_failed", {{"listener", listener}, {"error", error.message()},
                                  {"message", "retrying with back-off; further failures are counted until an accept succeeds"}});
    }
    backoff.delay = backoff.delay.count() == 0 ? kFirstAcceptRetryDelay : std::min(backoff.delay * 2, kMaxAcceptRetryDelay);
    auto timer = std::make_shared<asio::steady_timer>(acceptor.get_executor(), backoff.delay);
    timer->async_wait([timer, again](const boost::system::error_code& wait_error) {
      if (!wait_error) again();
    });
  }

  void accepted_again(AcceptBackoff& backoff, const std::string& listener) {
    if (backoff.failures == 0) return;
    log::info("accept_recovered", {{"listener", listener}, {"failed_accepts", backoff.failures}});
    backoff = AcceptBackoff{};
  }

  // Every budget is told to finish; together they get defaults::kShutdownDrain. Returns how many
  // connections were still open when the time was up.
  std::size_t drain_every_budget() {
    std::vector<ConnectionBook*> books;
    for (Budget& budget : budgets_) books.insert(books.end(), {&budget.admitted, &budget.refusing});
    const auto deadline = std::chrono::steady_clock::now() + defaults::kShutdownDrain;
    std::size_t still_open = 0;
    for (ConnectionBook* book : books) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      still_open += book->shut_down_and_drain(std::max(left, std::chrono::milliseconds{0}));
    }
    return still_open;
  }

  // Acceptors are used only on their own strand; closing them there ends their accept loops.
  void close_acceptors() {
    std::vector<std::future<void>> closed;
    auto close_on_strand = [&closed](auto& acceptor) {
      auto done = std::make_shared<std::promise<void>>();
      closed.push_back(done->get_future());
      asio::post(acceptor.get_executor(), [&acceptor, done] {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        done->set_value();
      });
    };
    if (unix_) close_on_strand(unix_->acceptor);
    for (auto& listener : tcp_listeners_) close_on_strand(listener->acceptor);
    for (auto& future : closed) future.wait();
  }

  const Config& config_;
  // Declared before the io_context: sessions destroyed with its pending handlers still report to it and
  // to their budget's books. A list, so a budget never moves while listeners and sessions refer to it.
  KeepAliveSpin keepalive_spin_;
  std::list<Budget> budgets_;
  std::optional<asio::ssl::context> tls_;
  SocketFile socket_file_;
  asio::io_context io_;
  asio::steady_timer deadline_sweep_{io_};
  std::unique_ptr<UnixListener> unix_;
  std::vector<std::unique_ptr<TcpListener>> tcp_listeners_;

  std::mutex stop_mutex_;
  std::condition_variable stop_wanted_;
  bool stop_requested_ = false;
};

Server::Server(const Config& config, std::vector<ListenerSpec> listeners)
    : impl_(std::make_unique<Impl>(config, std::move(listeners))) {}
Server::~Server() = default;
void Server::run(const ServerEvents& events) { impl_->run(events); }
void Server::stop() { impl_->stop(); }

}  // namespace cryftee::transport
