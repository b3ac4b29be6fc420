/* udp.h - datagrams for `send -u` and `listen -u`: the client loop (each
 * message one datagram, replies as they arrive, silence as the end) and the
 * lesson's server over UDP (each datagram one message). Neither prints:
 * they report through callbacks and struct nb_err. */
#ifndef NETBASICS_UDP_H
#define NETBASICS_UDP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>
#include <netbasics/out.h>
#include <netbasics/sock.h>

/* --- the client: send -u ---------------------------------------------------- */

struct nb_udp_send_opts {
    char *const *msgs; /* each one datagram (with "\n" unless no_newline), sent first */
    size_t nmsgs;
    int no_newline;
    int in_fd;       /* stdin after the messages, or -1 */
    int lines;       /* 1: each line of in_fd (with its "\n") is one datagram; 0: each read */
    int64_t wait_ms; /* after the input ends, stop once no datagram came for this long; 0 at once */
    int out_fd;      /* replies go here as they arrive, or -1 to hand them to on_datagram */
    void (*on_datagram)(void *ctx, const char *p, size_t n);
    void *ctx;
    const char *host;                  /* the peer as the user named it, for messages */
    const volatile sig_atomic_t *stop; /* may be NULL */
    const struct nb_explain *x;
};

struct nb_udp_send_stats {
    uint64_t sent, bytes_sent, received, bytes_received;
};

/* Sends every message and the input as datagrams on fd (a socket fixed to its
 * peer by nb_sock_udp_connect) and passes every reply on as it arrives,
 * until the input has ended and no datagram came for wait_ms, stdout closed,
 * or the stop flag. A datagram longer than nb_sock_udp_max is refused before
 * anything is sent (messages) or when its line comes (--lines) with
 * NB_E_INVALID. Returns 0, NB_STOPPED, or -1 with e set: NB_E_CONNECT
 * ("nothing listens on UDP port 9 on HOST": an ICMP port unreachable came
 * back), NB_E_INVALID, NB_E_SYS. Does not close fd. */
int nb_udp_send(int fd, const struct nb_udp_send_opts *o, struct nb_udp_send_stats *st,
                struct nb_err *e);

/* --- the server: listen -u -------------------------------------------------- */

enum nb_udp_mode {
    NB_UDP_ECHO, /* "You said TEXT" for each datagram, until a sender's "bye" */
    NB_UDP_RAW,  /* datagrams to out_fd, lines of in_fd to the last sender */
    NB_UDP_SINK, /* count and discard */
};

/* One sender's story, given to the callbacks. */
struct nb_udp_sender {
    unsigned id;                     /* 1, 2, ... in order of first datagram */
    char peer[NB_SOCKADDR_TEXT_MAX]; /* "127.0.0.1:51514" */
    struct nb_sockaddr sa;
    uint64_t datagrams_in, bytes_in, datagrams_out, bytes_out;
    int said_bye;
};

struct nb_udp_serve_events {
    void *ctx;
    /* the first datagram of a new sender (not called past max_senders) */
    void (*first)(void *ctx, const struct nb_udp_sender *s);
    /* echo mode: one datagram, without one trailing "\n" (or "\r\n"); cut:
     * the reply could not hold all of it */
    void (*message)(void *ctx, const struct nb_udp_sender *s, const char *text, size_t len,
                    int cut);
    /* when the server ends: once per sender, in order of arrival */
    void (*tally)(void *ctx, const struct nb_udp_sender *s);
    /* something the operator should know that is not about one sender */
    void (*notice)(void *ctx, const char *msg);
};

struct nb_udp_serve_opts {
    enum nb_udp_mode mode;
    int keep_open;        /* echo: 0 ends at the first "bye", 1 goes on */
    int in_fd, out_fd;    /* raw mode: stdin (or -1) and stdout */
    int64_t idle_ms;      /* end after this long without a datagram; -1 never */
    unsigned max_senders; /* senders counted one by one; later ones are counted together */
    const volatile sig_atomic_t *stop;
    const struct nb_explain *x;
};

struct nb_udp_serve_stats {
    unsigned senders;   /* senders counted one by one */
    uint64_t untracked; /* datagrams from senders past max_senders */
    uint64_t datagrams_in, bytes_in, datagrams_out, bytes_out;
    int64_t first_ms, last_ms; /* nb_now_ms() at the first and the last datagram (0: none) */
    int bye;                   /* echo: a sender's "bye" ended the server */
};

/* Serves the bound UDP socket fd (nb_sock_udp_serve) until a sender says
 * "bye" (echo without keep_open), idle_ms passes without a datagram, the
 * stop flag, or an error. Returns 0, NB_STOPPED (sock.h; *st still counts
 * what came), or -1 with e set (NB_E_SYS). Does not close fd. */
int nb_udp_serve(int fd, const struct nb_udp_serve_opts *o, const struct nb_udp_serve_events *ev,
                 struct nb_udp_serve_stats *st, struct nb_err *e);

/* The echo protocol over datagrams, sans-IO: writes "You said TEXT\n" for
 * one datagram p[0..n) into reply (of cap bytes, at least 16), where TEXT is
 * the datagram without one trailing "\n" (or "\r\n"), cut to fit. Sets *text
 * and *text_len to TEXT, *bye when TEXT is exactly "bye" and *cut when it
 * did not fit; returns the reply's length. */
size_t nb_udp_echo_reply(const char *p, size_t n, char *reply, size_t cap, const char **text,
                         size_t *text_len, int *bye, int *cut);

#endif
