#include "http/server.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <csignal>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "config/defaults.h"
#include "http/connection_book.h"
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

// After a failed accept (e.g. out of file descriptors) wait a little instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// The socket is bound under this umask so it is never, even briefly, more open than its final mode.
constexpr mode_t kSocketBindUmask = 0177;

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
      : config_(config), router_(router), observer_(std::move(observer)), book_(config.limits.max_connections) {
    if (config.transport == Transport::Uds) {
      open_unix_listener();
      if (config.kiosk_enabled) open_tcp_listener(ListenerKind::Kiosk, "kiosk", false);
    } else if (config.transport == Transport::Http) {
      open_tcp_listener(ListenerKind::Api, "http", false);
    } else {
      tls_.emplace(make_tls_context(config));
      open_tcp_listener(ListenerKind::Api, "https", true);
    }
  }

  void run(const ServerEvents& events) {
    signals_.async_wait([this](const boost::system::error_code& error, int signal_number) {
      if (error) return;
      log::info("signal_received", {{"signal", signal_number == SIGINT ? "SIGINT" : "SIGTERM"}});
      stop();
    });
    if (unix_) accept_unix();
    for (auto& listener : tcp_listeners_) accept_tcp(*listener);

    const unsigned thread_count = resolve_io_threads(config_.io_threads);
    std::vector<std::thread> threads;
    threads.reserve(thread_count);
    for (unsigned i = 0; i < thread_count; ++i) threads.emplace_back([this] { io_.run(); });
    log::info("serving", {{"io_threads", thread_count}, {"max_connections", config_.limits.max_connections}});
    if (events.serving) events.serving();

    {
      std::unique_lock lock(stop_mutex_);
      stop_wanted_.wait(lock, [this] { return stop_requested_; });
    }
    log::info("stopping", {{"drain_ms", defaults::kShutdownDrain.count()}});
    if (events.stopping) events.stopping();
    close_acceptors();
    const std::size_t still_open = book_.shut_down_and_drain(defaults::kShutdownDrain);
    if (still_open > 0) log::warn("drain_timeout", {{"open_connections", still_open}});
    io_.stop();
    for (auto& thread : threads) thread.join();
    socket_file_.remove();
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
    SessionSettings settings;
  };
  struct TcpListener {
    tcp::acceptor acceptor;
    SessionSettings settings;
    bool tls;
  };

  void open_unix_listener() {
    const auto& path = config_.uds_path;
    prepare_socket_path(path);
    unix_.reset(new UnixListener{local_stream::acceptor(asio::make_strand(io_)),
                                 SessionSettings{router_, config_.limits, ListenerKind::Api, "uds", observer_}});
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
    auto listener = std::make_unique<TcpListener>(
        TcpListener{tcp::acceptor(asio::make_strand(io_)), SessionSettings{router_, config_.limits, kind, name, observer_}, tls});
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

  // A connection may be opened only when the peer is allowed and a slot is free; refusals are logged.
  bool admit(const Peer& peer, const std::string& listener) {
    const auto& allowed = listener == "http" ? http_peer_uids_ : config_.allowed_peer_uids;
    if ((listener == "uds" || listener == "http") && !allowed.empty()) {
      if (!peer.uid || std::find(allowed.begin(), allowed.end(), *peer.uid) == allowed.end()) {
        log::warn("connection_refused", {{"peer", peer.address}, {"listener", listener},
                                         {"reason", "peer uid is not in allowed_peer_uids"}});
        return false;
      }
    }
    if (!book_.try_reserve()) {
      log::warn("connection_refused", {{"peer", peer.address}, {"listener", listener},
                                       {"reason", book_.stopping() ? "shutting down" : "connection limit reached"},
                                       {"max_connections", config_.limits.max_connections}});
      return false;
    }
    return true;
  }

  void accept_unix() {
    unix_->acceptor.async_accept(asio::make_strand(io_), [this](boost::system::error_code error, local_stream::socket socket) {
      if (error == asio::error::operation_aborted) return;
      if (error) return retry_accept("uds", [this] { accept_unix(); }, error);
      Peer peer = unix_peer(socket.native_handle());
      if (admit(peer, "uds")) {
        std::make_shared<Session<UnixStream>>(UnixStream(std::move(socket)), std::move(peer), unix_->settings, book_)->start();
      }
      accept_unix();
    });
  }

  void accept_tcp(TcpListener& listener) {
    listener.acceptor.async_accept(asio::make_strand(io_), [this, &listener](boost::system::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted) return;
      const std::string& name = listener.settings.listener_name;
      if (error) return retry_accept(name, [this, &listener] { accept_tcp(listener); }, error);
      boost::system::error_code endpoint_error;
      const auto remote = socket.remote_endpoint(endpoint_error);
      if (!endpoint_error) {
        Peer peer = tcp_peer(remote, listener.tls ? PeerTransport::Tls : PeerTransport::Tcp);
        if (name == "http") identify_loopback_peer(socket, remote, peer);
        if (admit(peer, name)) start_tcp_session(listener, std::move(socket), std::move(peer));
      }
      accept_tcp(listener);
    });
  }

  // The loopback http API knows its peers as the Unix socket does: by the uid the kernel records.
  static void identify_loopback_peer(const tcp::socket& socket, const tcp::endpoint& remote, Peer& peer) {
    boost::system::error_code error;
    const tcp::endpoint local = socket.local_endpoint(error);
    if (!error && peer.loopback) peer.uid = loopback_peer_uid(local, remote);
    peer.address += peer.uid ? " uid=" + std::to_string(*peer.uid) : " uid=unknown";
  }

  void start_tcp_session(TcpListener& listener, tcp::socket socket, Peer peer) {
    if (listener.tls) {
      std::make_shared<Session<TlsStream>>(TlsStream(TcpStream(std::move(socket)), *tls_), std::move(peer),
                                           listener.settings, book_)->start();
    } else {
      std::make_shared<Session<TcpStream>>(TcpStream(std::move(socket)), std::move(peer), listener.settings, book_)->start();
    }
  }

  template <typename Again>
  void retry_accept(const std::string& listener, Again again, const boost::system::error_code& error) {
    log::warn("accept_failed", {{"listener", listener}, {"error", error.message()}});
    auto timer = std::make_shared<asio::steady_timer>(io_, kAcceptRetryDelay);
    timer->async_wait([timer, again](const boost::system::error_code& wait_error) {
      if (!wait_error) again();
    });
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
  // Any local user can open a loopback port (a Unix socket has its file mode too), so on http an empty
  // allow-list admits only the daemon's own user.
  const std::vector<uid_t> http_peer_uids_ =
      config_.allowed_peer_uids.empty() ? std::vector<uid_t>{::geteuid()} : config_.allowed_peer_uids;
  // Declared before the io_context: sessions destroyed with its pending handlers still report to it.
  ConnectionBook book_;
  std::optional<asio::ssl::context> tls_;
  SocketFile socket_file_;
  asio::io_context io_;
  asio::signal_set signals_{io_, SIGINT, SIGTERM};
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
