/* sock.h - the one socket layer: resolve, connect with a timeout across every
 * address, listen, accept, datagrams, the socket as a stream (stream.h), the
 * wait for many fds, and the --explain narration of every socket call. */
#ifndef NETBASICS_SOCK_H
#define NETBASICS_SOCK_H

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netbasics/addr.h>
#include <netbasics/clock.h>
#include <netbasics/err.h>
#include <netbasics/out.h>
#include <netbasics/stream.h>

/* Longest text of nb_sockaddr_format with its NUL: "[addr%zone]:65535". */
#define NB_SOCKADDR_TEXT_MAX (NB_ADDR_TEXT_MAX + 8)

/* The most addresses nb_sock_resolve returns; a caller's array of this size
 * is always enough. */
#define NB_RESOLVE_MAX 16

/* nb_sock_accept's "nothing to accept now, call again" (see there). */
#define NB_SOCK_AGAIN (-2)

/* Any socket address and its length, as the kernel takes and gives them. */
struct nb_sockaddr {
    socklen_t len;
    union {
        struct sockaddr sa;
        struct sockaddr_in in4;
        struct sockaddr_in6 in6;
        struct sockaddr_storage ss;
    } u;
};

/* What nb_pump, nb_serve and nb_serve_accept_one return when the stop flag
 * (set by a signal handler) ended them: a normal end, not an error. */
#define NB_STOPPED 1

/* --- waiting ------------------------------------------------------------ */

/* poll() until an fd is ready or the deadline d (NULL: none) passes, polling
 * again with the time left after EINTR. If stop is not NULL and is set before
 * the wait, by a signal during it, or by one pending when fds were ready
 * (nb_sock_stopping), returns 0 at once so the caller can stop; SIGINT,
 * SIGTERM and SIGHUP are let in during that wait. Returns the number of
 * ready fds, 0 on deadline or stop, or -1 with e set to NB_E_SYS. */
int nb_sock_poll(struct pollfd *fds, size_t n, const struct nb_deadline *d,
                 const volatile sig_atomic_t *stop, struct nb_err *e);

/* Whether *stop is set, after letting in SIGINT, SIGTERM and SIGHUP when
 * one of them is pending (blocked outside nb_sock_poll) so its handler runs:
 * for a loop with much work between two waits, to stop within the time of
 * one step of that work (one sigpending call when none is pending). */
int nb_sock_stopping(const volatile sig_atomic_t *stop);

/* --- addresses --------------------------------------------------------- */

/* Fills *out from an address and a port (host order, 0 allowed). An IPv6
 * zone becomes sin6_scope_id through if_nametoindex (a zone of digits is
 * taken as the index itself). Returns 0, or -1 with e set to NB_E_INVALID
 * when there is no interface of that name. */
int nb_sockaddr_from_addr(const struct nb_addr *a, uint16_t port, struct nb_sockaddr *out,
                          struct nb_err *e);

/* Fills *out and *port (each may be NULL) from an AF_INET or AF_INET6 socket
 * address; a scope id becomes the interface name (or its number). Returns 0,
 * or -1 with e set to NB_E_INVALID for any other family. */
int nb_sockaddr_to_addr(const struct nb_sockaddr *sa, struct nb_addr *out, uint16_t *port,
                        struct nb_err *e);

/* The port of an AF_INET or AF_INET6 address in host order, 0 otherwise. */
uint16_t nb_sockaddr_port(const struct nb_sockaddr *sa);

/* Writes "127.0.0.1:9087" or "[::1]:9087" (the address in canonical form) into
 * buf of size n (NB_SOCKADDR_TEXT_MAX is always enough), "?" for a family
 * other than IPv4 and IPv6. Returns buf. */
char *nb_sockaddr_format(const struct nb_sockaddr *sa, char *buf, size_t n);

/* 1 when a and b are the same family, address, scope and port, else 0. */
int nb_sockaddr_equal(const struct nb_sockaddr *a, const struct nb_sockaddr *b);

/* --- the socket calls -------------------------------------------------- */

/* Blocks SIGINT and SIGTERM outside nb_sock_poll, which lets them in only
 * while it waits when it is given a stop flag: the handler that sets the flag
 * then always wakes the wait. Call once after installing the handlers. */
void nb_sock_block_stop_signals(void);

/* The addresses of host with port (host order) set in each, in the order the
 * resolver gives them, duplicates removed, at most max. family is 0 (any), 4
 * or 6; socktype is SOCK_STREAM, SOCK_DGRAM or 0. A numeric address (strict
 * IPv4, IPv6 with optional zone, IPv6 in brackets) is parsed without any
 * lookup. Text that fails to parse but looks like an address (only digits
 * and dots, a ':', or a form inet_aton reads such as 0x7f.1) is NB_E_INVALID
 * and never sent to DNS, nor is a name with a byte outside printable ASCII.
 * Other names go to getaddrinfo (no AI_ADDRCONFIG, so ::1 works where only
 * loopback is up). Returns 0 and sets *count (at least 1), or -1 with e set
 * to NB_E_RESOLVE ("no address found for 'name'", or the resolver's own
 * reason), NB_E_INVALID (bad text, or a numeric address of the other family
 * than the one asked for) or NB_E_SYS. */
int nb_sock_resolve(const char *host, uint16_t port, int family, int socktype,
                    struct nb_sockaddr *out, size_t max, size_t *count, const struct nb_explain *x,
                    struct nb_err *e);

/* The TCP port of a service name in /etc/services, as nc reads one where a
 * port goes (getservbyname: "http" is 80). Returns 0 and sets *port, or -1
 * with e set to NB_E_INVALID naming the word (and a missing /etc/services). */
int nb_sock_service_port(const char *name, uint16_t *port, struct nb_err *e);

/* A port text that may be a service name: "http" (only when alone_is_port),
 * "HOST:http", "[IPv6]:http": returns it written into buf (size n) with the
 * service's number in its place. Any other text (digits, a host alone, a bare
 * IPv6 address) is returned as it is, for nb_hostport_parse or the number
 * parser to judge. NULL with e set to NB_E_INVALID: a word /etc/services does
 * not know. */
const char *nb_sock_service_text(const char *text, int alone_is_port, char *buf, size_t n,
                                 struct nb_err *e);

/* nb_sock_resolve, giving up on a name lookup after timeout_ms (-1: no
 * limit) with NB_E_TIMEOUT. */
int nb_sock_resolve_within(const char *host, uint16_t port, int family, int socktype,
                           int64_t timeout_ms, struct nb_sockaddr *out, size_t max, size_t *count,
                           const struct nb_explain *x, struct nb_err *e);

/* Opens a TCP connection to the first address of list[0..count) that
 * answers, trying each in turn; timeout_ms (-1: none) bounds each attempt
 * (non-blocking connect, poll, SO_ERROR). Returns the connected, blocking,
 * close-on-exec fd, which the caller owns. On failure returns -1 with e set
 * for the last address tried: NB_E_TIMEOUT if it did not answer in time,
 * NB_E_CONNECT if it refused or was unreachable ("connect to 127.0.0.1:9
 * failed: Connection refused"), NB_E_SYS for a local failure such as running
 * out of fds, NB_E_INVALID when count is 0. */
int nb_sock_connect(const struct nb_sockaddr *list, size_t count, int64_t timeout_ms,
                    const struct nb_explain *x, struct nb_err *e);

/* nb_sock_connect, where every attempt also ends by the deadline total
 * (NULL: none), and no attempt starts after it. */
int nb_sock_connect_within(const struct nb_sockaddr *list, size_t count, int64_t timeout_ms,
                           const struct nb_deadline *total, const struct nb_explain *x,
                           struct nb_err *e);

/* Opens a close-on-exec UDP socket fixed to the peer sa (connect on UDP):
 * the kernel then delivers only datagrams from sa, and a closed port shows
 * up as NB_E_CONNECT (ECONNREFUSED) on the next read. Returns the fd, which
 * the caller owns, or -1 with e set. */
int nb_sock_udp_connect(const struct nb_sockaddr *sa, const struct nb_explain *x, struct nb_err *e);

/* Opens a close-on-exec UDP socket bound to sa (port 0: the kernel picks),
 * for a small server. Returns the fd, or -1 with e set to NB_E_SYS. */
int nb_sock_udp_bind(const struct nb_sockaddr *sa, const struct nb_explain *x, struct nb_err *e);

/* One datagram from any peer (fills *peer), or from the fixed peer of a
 * socket made by nb_sock_udp_connect (peer NULL), waiting at most
 * timeout_ms (-1: no limit): returns its length, or -1 with e set:
 * NB_E_TIMEOUT ("no datagram arrived within 2 s"), NB_E_CONNECT (the fixed
 * peer's port is closed), NB_E_SYS. */
ssize_t nb_sock_recvfrom(int fd, void *buf, size_t cap, int64_t timeout_ms,
                         struct nb_sockaddr *peer, struct nb_err *e);

/* Sends one datagram to peer, or to the fixed peer when peer is NULL.
 * Returns 0, or -1 with e set to NB_E_CONNECT or NB_E_SYS. */
int nb_sock_sendto(int fd, const void *buf, size_t len, const struct nb_sockaddr *peer,
                   struct nb_err *e);

/* The largest UDP payload for an address family (AF_INET: 65,507 bytes, the
 * IPv4 packet's 65,535 less its 20-byte header and UDP's 8; AF_INET6: 65,527,
 * the IPv6 payload's 65,535 less UDP's 8, without jumbograms). */
size_t nb_sock_udp_max(int af);

/* Opens a non-blocking, close-on-exec UDP socket bound to sa for a server
 * (port 0: the kernel picks, and the narration says which). For IPv6,
 * v6only 1 or 0 sets IPV6_V6ONLY, -1 keeps the system default. Returns the
 * fd, which the caller owns, or -1 with e set to NB_E_SYS and a message
 * saying why ("port 9087 is in use"). */
int nb_sock_udp_serve(const struct nb_sockaddr *sa, int v6only, const struct nb_explain *x,
                      struct nb_err *e);

/* One datagram now, without waiting: fills *peer (may be NULL) and returns
 * its full length, which is more than cap when it was cut to cap bytes.
 * Returns NB_SOCK_AGAIN when none is waiting (or a signal came), or -1 with
 * e set: NB_E_CONNECT with sys_errno ECONNREFUSED (an ICMP "port
 * unreachable" for the fixed peer of a connected socket), NB_E_SYS. */
ssize_t nb_sock_recvfrom_now(int fd, void *buf, size_t cap, struct nb_sockaddr *peer,
                             struct nb_err *e);

/* One datagram of a batch read by nb_sock_recv_batch. */
struct nb_sock_dgram {
    struct nb_sockaddr peer;
    size_t len; /* its full length: more than the buffer when it was cut */
};

/* Up to n datagrams now, in one system call (recvmmsg), without waiting:
 * datagram i lands in bufs + i * each (cut to each bytes) and out[i] says
 * who sent it and how long it was. Returns how many arrived (at least 1),
 * NB_SOCK_AGAIN when none was waiting, or -1 with e set to NB_E_SYS. */
ssize_t nb_sock_recv_batch(int fd, char *bufs, size_t each, struct nb_sock_dgram *out, size_t n,
                           struct nb_err *e);

/* Sends one datagram to the fixed peer of fd without waiting for room in
 * the socket's buffer. Returns 0, NB_SOCK_AGAIN when the buffer is full (the
 * datagram was not sent), or -1 with e set to NB_E_CONNECT or NB_E_SYS. */
int nb_sock_send_now(int fd, const void *buf, size_t len, struct nb_err *e);

/* Opens a blocking, close-on-exec TCP socket listening on sa with the given
 * backlog, with SO_REUSEADDR so a restart can reuse the port at once. For
 * IPv6, v6only 1 or 0 sets IPV6_V6ONLY (0 also takes IPv4 clients, as
 * ::ffff:a.b.c.d); -1 keeps the system default. Returns the fd, which the
 * caller owns, or -1 with e set to NB_E_SYS and a message saying why ("port
 * 9087 is in use", "ports below 1024 need root or CAP_NET_BIND_SERVICE"). */
int nb_sock_listen(const struct nb_sockaddr *sa, int backlog, int v6only,
                   const struct nb_explain *x, struct nb_err *e);

/* Accepts one client on the listening socket lfd; flags may hold
 * SOCK_NONBLOCK (SOCK_CLOEXEC is always added). Fills *peer (may be NULL) and
 * returns the new fd, which the caller owns. Returns NB_SOCK_AGAIN, with
 * e->code NB_E_NONE and e->sys_errno saying why, when there is nothing to
 * take now: EAGAIN on a non-blocking lfd,
 * EINTR (a signal arrived: check the stop flag), or a client that left before
 * it was taken (ECONNABORTED and the network errors accept4(2) passes on).
 * Returns -1 with e set to NB_E_SYS otherwise; EMFILE and ENFILE (out of fds)
 * keep their errno in e->sys_errno so the caller can back off instead of
 * retrying at once. */
int nb_sock_accept(int lfd, struct nb_sockaddr *peer, int flags, const struct nb_explain *x,
                   struct nb_err *e);

/* The local address of a socket (getsockname), e.g. to learn the port the
 * kernel picked for port 0. Returns 0, or -1 with e set to NB_E_SYS. */
int nb_sock_local(int fd, struct nb_sockaddr *out, struct nb_err *e);

/* The address of a connected socket's peer (getpeername). Returns 0, or -1
 * with e set to NB_E_SYS (NB_E_CONNECT when it is not connected). */
int nb_sock_peer(int fd, struct nb_sockaddr *out, struct nb_err *e);

/* Sets (on = 1) or clears O_NONBLOCK on fd (tls.c runs its sessions
 * non-blocking). Returns 0, or -1 with e set to NB_E_SYS. */
int nb_sock_set_nonblock(int fd, int on, struct nb_err *e);

/* Makes *s a stream over the connected TCP socket fd (see stream.h): send
 * with MSG_NOSIGNAL, recv, shutdown(SHUT_WR) and close, each narrated for
 * --explain through x. A pipe or file given by mistake is served through
 * nb_io_stream instead. The stream owns fd from now on: close it with
 * nb_stream_close. */
void nb_sock_stream(struct nb_stream *s, int fd, const struct nb_explain *x);

/* Closes fd (nothing for a negative fd). The fd is gone afterwards even when
 * close reports an error, so there is no status to act on. */
void nb_sock_close(int fd, const struct nb_explain *x);

#endif
