/* serve.h - the lesson's server, done right: one poll loop serving any number
 * of clients, each with its own line framing and state. Echo mode answers
 * "You said LINE" to every line until a line that is exactly "bye"; sink mode
 * reads and discards. The loop never prints: it reports through callbacks. */
#ifndef NETBASICS_SERVE_H
#define NETBASICS_SERVE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>
#include <netbasics/out.h>
#include <netbasics/sock.h>

enum nb_serve_mode {
    NB_SERVE_ECHO, /* "You said LINE" per line, until "bye" */
    NB_SERVE_SINK, /* read and discard, count bytes */
};

/* One client's story, given to the callbacks. */
struct nb_serve_client {
    unsigned id;                         /* 1, 2, ... in order of arrival */
    char peer[NB_SOCKADDR_TEXT_MAX];     /* "127.0.0.1:51514" */
    uint64_t bytes_in, bytes_out;
    int64_t started_ms, ended_ms;        /* nb_now_ms() at accept and at close */
};

struct nb_serve_events {
    void *ctx;
    void (*connected)(void *ctx, const struct nb_serve_client *c);
    /* a line received in echo mode, without its newline; cut: it was longer
     * than max_line and this is one piece of it */
    void (*line)(void *ctx, const struct nb_serve_client *c, const char *line, size_t len, int cut);
    /* the client is gone; why is one phrase: "said bye", "closed the connection
     * without 'bye'", "was idle for 30 s", "reset the connection" */
    void (*closed)(void *ctx, const struct nb_serve_client *c, const char *why);
    /* something the operator should know that is not about one client */
    void (*notice)(void *ctx, const char *msg);
};

struct nb_serve_opts {
    enum nb_serve_mode mode;
    int keep_open;          /* 0: serve one client, then return (the lesson) */
    size_t max_line;        /* longest line; longer input is answered in pieces */
    int64_t idle_ms;        /* close a client silent this long; -1 never */
    unsigned max_clients;   /* at most this many at once; others wait in the backlog */
    const volatile sig_atomic_t *stop;
    const struct nb_explain *x;
};

struct nb_serve_stats {
    unsigned clients;       /* clients served */
    uint64_t bytes_in, bytes_out;
    int stopped;            /* the stop flag ended the loop */
};

/* Serves clients arriving on the listening socket lfd until one client has
 * been served (keep_open 0) or the stop flag is set. A client that does not
 * read its replies only stalls itself. Returns 0, or -1 with e set (NB_E_SYS:
 * out of memory, poll failed). Closes every client it accepted, not lfd. */
int nb_serve(int lfd, const struct nb_serve_opts *o, const struct nb_serve_events *ev,
             struct nb_serve_stats *st, struct nb_err *e);

/* Waits for one client on lfd (the stop flag may end the wait: then returns
 * -1 with e->code NB_E_NONE). Returns the connected fd and fills *peer. */
int nb_serve_accept_one(int lfd, const volatile sig_atomic_t *stop, struct nb_sockaddr *peer,
                        const struct nb_explain *x, struct nb_err *e);

#endif
