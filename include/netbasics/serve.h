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
    unsigned id;                     /* 1, 2, ... in order of arrival */
    char peer[NB_SOCKADDR_TEXT_MAX]; /* "127.0.0.1:51514" */
    uint64_t bytes_in, bytes_out;
    int64_t started_ms, ended_ms; /* nb_now_ms() at accept and at close */
};

struct nb_serve_events {
    void *ctx;
    void (*connected)(void *ctx, const struct nb_serve_client *c);
    /* a line received in echo mode, without its newline; cut: it was longer
     * than max_line and this is one piece of it */
    void (*line)(void *ctx, const struct nb_serve_client *c, const char *line, size_t len, int cut);
    /* the client is gone; why is one phrase: "said bye", "closed the connection
     * without 'bye'" (echo), "closed the connection" (sink), "reset the
     * connection", "was idle too long (--idle-timeout)", "left a line
     * unfinished too long (--line-timeout)", "was dropped to make room: its
     * line had been unfinished longest", "was disconnected: the server is
     * stopping" */
    void (*closed)(void *ctx, const struct nb_serve_client *c, const char *why);
    /* something the operator should know that is not about one client */
    void (*notice)(void *ctx, const char *msg);
};

struct nb_serve_opts {
    enum nb_serve_mode mode;
    int keep_open;           /* 0: serve one client, then return (the lesson) */
    size_t max_line;         /* longest line; longer input is answered in pieces */
    int64_t idle_ms;         /* close a client silent this long; -1 never */
    int64_t line_timeout_ms; /* echo: close a client whose line is unfinished this long
                              * after its first byte (or its last piece); -1 never */
    unsigned max_clients;    /* at most this many at once; others wait in the backlog */
    const volatile sig_atomic_t *stop;
    const struct nb_explain *x;
};

struct nb_serve_stats {
    unsigned clients; /* clients served */
    uint64_t bytes_in, bytes_out;
    unsigned dropped_late; /* of them, closed by line_timeout_ms */
    unsigned dropped_room; /* of them, dropped to make room for a new client */
};

/* Serves clients arriving on the listening socket lfd until one client has
 * been served (keep_open 0) or the stop flag is set. A client that does not
 * read its replies only stalls itself; when every row (max_clients) or every
 * fd is taken, a new client is let in by dropping the client whose line has
 * been unfinished longest (echo mode). Returns 0, NB_STOPPED (sock.h: the
 * stop flag ended it; *st still counts what was served), or -1 with e set
 * (NB_E_SYS: out of memory, poll failed). Closes every client it accepted,
 * not lfd. */
int nb_serve(int lfd, const struct nb_serve_opts *o, const struct nb_serve_events *ev,
             struct nb_serve_stats *st, struct nb_err *e);

/* Waits for one client on lfd and makes *client a stream over it (the
 * caller closes it with nb_stream_close), filling *peer. Returns 0,
 * NB_STOPPED when the stop flag ended the wait, or -1 with e set. */
int nb_serve_accept_one(int lfd, const volatile sig_atomic_t *stop, struct nb_stream *client,
                        struct nb_sockaddr *peer, const struct nb_explain *x, struct nb_err *e);

/* --- the echo protocol's line framing, sans-IO ---------------------------- */

/* Cuts a client's bytes into lines across reads, keeping at most max bytes
 * of a line in buf (owned by the caller). */
struct nb_serve_framer {
    char *buf;
    size_t max, len; /* len: bytes of the unfinished line held in buf */
};

/* One line (or piece) out of the framer. */
struct nb_serve_line {
    int ready;        /* 0: no line yet, all bytes were taken */
    const char *text; /* without its "\n" and one "\r" before it; valid until the next call */
    size_t len;
    int cut; /* a max-byte piece of a longer line (its "\r" is kept) */
    int bye; /* the line is exactly "bye": the client is done */
};

/* Sets f up over buf of max bytes (at least 1). */
void nb_serve_framer_init(struct nb_serve_framer *f, char *buf, size_t max);

/* Takes bytes from p[0..n) up to the end of the next line or piece, and
 * returns how many it took: then *out is that line (ready 1), or, when the
 * line goes on past p + n, ready is 0 and all n bytes were taken. Call
 * again with the rest. */
size_t nb_serve_frame(struct nb_serve_framer *f, const char *p, size_t n,
                      struct nb_serve_line *out);

/* At end of stream: the last line when it had no newline. Returns 1 with
 * *out set, or 0 when there is none. */
int nb_serve_frame_end(struct nb_serve_framer *f, struct nb_serve_line *out);

#endif
