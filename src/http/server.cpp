#include "http/server.h"

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
#include "http/connection_book.h"
#include "http/descriptor_limit.h"
#include "http/error_response.h"
#include "http/kiosk_hosts.h"
#include "http/listener_error.h"
#include "http/loopback_peer_uid.h"
#include "http/peer_credentials.h"
#include "http/session.h"
#include "http/tls_context.h"
#include "http/uds_path.h"
#include "util/log.h"

namespace cryftee::http {
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

// The JSON 503 a connection over a budget gets before it is closed.
Response too_many_connections(const std::string& message) {
  Response response = error_response(503, "too_many_connections", message);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

// A listener's connection budget: the connections it admits, the few over budget that are being
// answered 503, and the session settings of each.
struct Budget {
  Budget(const SessionSettings& admitted_settings, std::size_t max_connections, std::size_t max_per_peer,
         const std::string& limit_setting)
      : settings(admitted_settings),
        listener_full(refusal_settings(admitted_settings,
                                       "the " + admitted_settings.listener_name + " listener has its limit of " +
                                           std::to_string(max_connections) + " open connections (" + limit_setting +
                                           "); try again shortly")),
        peer_full(refusal_settings(admitted_settings,
                                   "this address has its limit of " + std::to_string(max_per_peer) +
                                       " open connections to the " + admitted_settings.listener_name +
                                       " listener (--kiosk-max-connections-per-peer); close one first")),
        admitted(max_connections, max_per_peer),
        max_connections(max_connections),
        max_per_peer(max_per_peer) {}

  static SessionSettings refusal_settings(const SessionSettings& base, const std::string& message) {
    SessionSettings refusal = base;
    refusal.limits.request_timeout = kRefusalTimeout;
    refusal.limits.idle_timeout = kRefusalTimeout;
    refusal.refusal = too_many_connections(message);
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
  Impl(const Config& config, const Router& router, ResponseObserver observer)
      : config_(config), router_(router), observer_(std::move(observer)) {
    if (config.transport == Transport::Uds) {
      open_unix_listener();
      if (config.kiosk_enabled) {
        kiosk_hosts_.emplace(config.http_addr, config.kiosk_hosts);
        open_tcp_listener(ListenerKind::Kiosk, "kiosk", false);
      }
    } else if (config.transport == Transport::Http) {
      open_tcp_listener(ListenerKind::Api, "http", false);
    } else {
      tls_.emplace(make_tls_context(config));
      open_tcp_listener(ListenerKind::Api, "https", true);
    }
    check_descriptor_limit();
  }

  void run(const ServerEvents& events) {
    if (unix_) accept_unix();
    for (auto& listener : tcp_listeners_) accept_tcp(*listener);

    const unsigned thread_count = resolve_io_threads(config_.io_threads);
    std::vector<std::thread> threads;
    threads.reserve(thread_count);
    for (unsigned i = 0; i < thread_count; ++i) threads.emplace_back([this] { io_.run(); });
    log::info("serving", {{"io_threads", thread_count}, {"max_connections", config_.limits.max_connections},
                          {"kiosk_max_connections", kiosk_hosts_ ? config_.limits.kiosk_max_connections : 0}});
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
    Budget& budget;
    AcceptBackoff backoff;
  };
  struct TcpListener {
    tcp::acceptor acceptor;
    Budget& budget;
    bool tls;
    AcceptBackoff backoff;
  };

  // The API listener's budget is its own; the kiosk's is separate, smaller, per peer and quicker to close
  // quiet connections, so nothing on the kiosk can take a connection from the API.
  Budget& make_budget(ListenerKind kind, const std::string& name) {
    SessionSettings settings{router_, config_.limits, kind, name, observer_};
    if (kind == ListenerKind::Kiosk) {
      settings.limits.idle_timeout = config_.limits.kiosk_idle_timeout;
      settings.kiosk_hosts = &*kiosk_hosts_;
      return budgets_.emplace_back(settings, config_.limits.kiosk_max_connections,
                                   config_.limits.kiosk_max_connections_per_peer, "--kiosk-max-connections");
    }
    return budgets_.emplace_back(settings, config_.limits.max_connections, 0, "--max-connections");
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

  void open_unix_listener() {
    const auto& path = config_.uds_path;
    prepare_socket_path(path);
    unix_.reset(new UnixListener{local_stream::acceptor(asio::make_strand(io_)), make_budget(ListenerKind::Api, "uds"), {}});
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
    log::info("listening", {{"listener", "uds"}, {"path", path.string()}, {"mode", "0660"},
                            {"allowed_peer_uids", config_.allowed_peer_uids}});
  }

  void open_tcp_listener(ListenerKind kind, const std::string& name, bool tls) {
    const tcp::endpoint endpoint = resolve_endpoint(io_, config_.http_addr, name);
    std::unique_ptr<TcpListener> listener(
        new TcpListener{tcp::acceptor(asio::make_strand(io_)), make_budget(kind, name), tls, {}});
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
                            {"tls", tls}});
    if (name == "http") log::info("http_peer_uids", {{"allowed_peer_uids", http_peer_uids_}});
    tcp_listeners_.push_back(std::move(listener));
  }

  bool peer_allowed(const Peer& peer, const std::string& listener) const {
    const auto& allowed = listener == "http" ? http_peer_uids_ : config_.allowed_peer_uids;
    if ((listener != "uds" && listener != "http") || allowed.empty()) return true;
    if (peer.uid && std::find(allowed.begin(), allowed.end(), *peer.uid) != allowed.end()) return true;
    log::warn("connection_refused", {{"peer", peer.address}, {"listener", listener},
                                     {"reason", "peer uid is not in allowed_peer_uids"}});
    return false;
  }

  // Starts a session for an accepted connection: within the budget a served one; over it, while refusal
  // slots last, one that answers 503 too_many_connections and closes; otherwise the connection is closed.
  // `start(settings, book, peer)` makes the session.
  template <typename Start>
  void admit(Budget& budget, Peer peer, const std::string& listener, Start start) {
    if (!peer_allowed(peer, listener)) return;
    const Admission admission = budget.admitted.reserve(peer.limit_key);
    if (admission == Admission::Admitted) return start(budget.settings, budget.admitted, std::move(peer));
    if (admission == Admission::Stopping) return;
    const bool peer_full = admission == Admission::PeerFull;
    if (const auto refused = budget.refusal_log.note()) {
      log::warn("connection_refused", {{"peer", peer.address}, {"listener", listener},
                                       {"reason", peer_full ? "per-peer connection limit reached" : "connection limit reached"},
                                       {"limit", peer_full ? budget.max_per_peer : budget.max_connections},
                                       {"refused_since_last_line", *refused}});
    }
    if (budget.refusing.reserve() != Admission::Admitted) return;
    start(peer_full ? budget.peer_full : budget.listener_full, budget.refusing, std::move(peer));
  }

  void accept_unix() {
    unix_->acceptor.async_accept(asio::make_strand(io_), [this](boost::system::error_code error, local_stream::socket socket) {
      if (error == asio::error::operation_aborted) return;
      if (error) return retry_accept(unix_->acceptor, unix_->backoff, "uds", [this] { accept_unix(); }, error);
      accepted_again(unix_->backoff, "uds");
      admit(unix_->budget, unix_peer(socket.native_handle()), "uds",
            [&socket](const SessionSettings& settings, ConnectionBook& book, Peer peer) {
              std::make_shared<Session<UnixStream>>(UnixStream(std::move(socket)), std::move(peer), settings, book)->start();
            });
      accept_unix();
    });
  }

  void accept_tcp(TcpListener& listener) {
    listener.acceptor.async_accept(asio::make_strand(io_), [this, &listener](boost::system::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted) return;
      const std::string& name = listener.budget.settings.listener_name;
      if (error) return retry_accept(listener.acceptor, listener.backoff, name, [this, &listener] { accept_tcp(listener); }, error);
      accepted_again(listener.backoff, name);
      boost::system::error_code endpoint_error;
      const auto remote = socket.remote_endpoint(endpoint_error);
      if (!endpoint_error) {
        Peer peer = tcp_peer(remote, listener.tls ? PeerTransport::Tls : PeerTransport::Tcp);
        if (name == "http") identify_loopback_peer(socket, remote, peer);
        // While --allow-loopback-admin is on, a local HTTPS client (cryftgo on the same machine) is known by
        // its uid too; one the allow-list names is served like a socket peer, any other needs a client
        // certificate or the token.
        if (name == "https" && peer.loopback && config_.allow_loopback_admin) {
          identify_loopback_peer(socket, remote, peer);
          if (peer.uid && std::find(http_peer_uids_.begin(), http_peer_uids_.end(), *peer.uid) == http_peer_uids_.end()) {
            peer.uid.reset();
          }
        }
        admit(listener.budget, std::move(peer), name,
              [this, &listener, &socket](const SessionSettings& settings, ConnectionBook& book, Peer admitted) {
                start_tcp_session(listener.tls, std::move(socket), settings, book, std::move(admitted));
              });
      }
      accept_tcp(listener);
    });
  }

  // The loopback http API knows its peers as the Unix socket does: by the uid the kernel records, which
  // is then also what per-peer limits count.
  static void identify_loopback_peer(const tcp::socket& socket, const tcp::endpoint& remote, Peer& peer) {
    boost::system::error_code error;
    const tcp::endpoint local = socket.local_endpoint(error);
    if (!error && peer.loopback) peer.uid = loopback_peer_uid(local, remote);
    peer.address += peer.uid ? " uid=" + std::to_string(*peer.uid) : " uid=unknown";
    if (peer.uid) peer.limit_key = "uid=" + std::to_string(*peer.uid);
  }

  void start_tcp_session(bool tls, tcp::socket socket, const SessionSettings& settings, ConnectionBook& book, Peer peer) {
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
  const Router& router_;
  const ResponseObserver observer_;
  std::optional<KioskHosts> kiosk_hosts_;
  // Declared before the io_context: sessions destroyed with its pending handlers still report to their
  // budget's books. A list, so a budget never moves while listeners and sessions refer to it.
  std::list<Budget> budgets_;
  // Any local user can open a loopback port (a Unix socket has its file mode too), so on http (and for
  // local peers of https) an empty allow-list admits only the daemon's own user.
  const std::vector<uid_t> http_peer_uids_ =
      config_.allowed_peer_uids.empty() ? std::vector<uid_t>{::geteuid()} : config_.allowed_peer_uids;
  std::optional<asio::ssl::context> tls_;
  SocketFile socket_file_;
  asio::io_context io_;
  std::unique_ptr<UnixListener> unix_;
  std::vector<std::unique_ptr<TcpListener>> tcp_listeners_;

  std::mutex stop_mutex_;
  std::condition_variable stop_wanted_;
  bool stop_requested_ = false;
};

Server::Server(const Config& config, const Router& router, ResponseObserver observer)
    : impl_(std::make_unique<Impl>(config, router, std::move(observer))) {}
Server::~Server() = default;
void Server::run(const ServerEvents& events) { impl_->run(events); }
void Server::stop() { impl_->stop(); }

}  // namespace cryftee::http
