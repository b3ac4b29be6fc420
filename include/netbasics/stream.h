/* stream.h - the one byte stream every protocol reads and writes: a TCP
 * socket today (nb_sock_stream), a pipe (nb_io_stream), a TLS session later,
 * all behind the same four operations. EINTR, partial writes, a peer that
 * is gone (EPIPE, never SIGPIPE) and deadlines are handled here, once. */
#ifndef NETBASICS_STREAM_H
#define NETBASICS_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netbasics/err.h>
#include <netbasics/out.h>

/* What a non-blocking operation returns when it cannot go on now: poll
 * stream->fd (POLLIN for a read, POLLOUT for a write) and call again. */
#define NB_STREAM_AGAIN (-2)

struct nb_stream;

/* A transport: each operation returns at once, never blocks, retries EINTR
 * itself and never raises SIGPIPE. */
struct nb_stream_ops {
    /* Up to cap (at least 1) bytes: the count, 0 at end of stream,
     * NB_STREAM_AGAIN, or -1 with e set (NB_E_CONNECT: reset by the peer). */
    ssize_t (*read)(struct nb_stream *s, void *buf, size_t cap, struct nb_err *e);
    /* Some of buf[0..len) (len at least 1): the count taken, NB_STREAM_AGAIN,
     * or -1 with e set (NB_E_CONNECT: the peer closed or reset). */
    ssize_t (*write)(struct nb_stream *s, const void *buf, size_t len, struct nb_err *e);
    /* Tells the peer we are done sending; 0, or -1 with e set. */
    int (*shutdown_write)(struct nb_stream *s, struct nb_err *e);
    /* Frees everything and closes fd; sets fd to -1. */
    void (*close)(struct nb_stream *s);
    /* Whether bytes already wait inside the transport, so a read would not
     * block though a poll on fd would (a TLS record decrypted in part); NULL
     * for transports that keep nothing back. */
    int (*pending)(const struct nb_stream *s);
};

struct nb_stream {
    const struct nb_stream_ops *ops;
    int fd;                     /* what to poll; -1 once closed */
    const struct nb_explain *x; /* narration for --explain (NULL: none) */
    void *impl;                 /* the transport's own state (a TLS session); NULL for a socket */
    short want; /* after NB_STREAM_AGAIN, what to poll fd for if not the usual (POLLIN for a
                 * read, POLLOUT for a write): TLS may need to write to read, and the
                 * other way round; 0 otherwise */
};

/* The poll events to wait for before calling the operation that answered
 * NB_STREAM_AGAIN again: usual (POLLIN or POLLOUT) unless the transport
 * asked for others. */
short nb_stream_events(const struct nb_stream *s, short usual);

/* Whether a read would find bytes already held inside the transport. */
int nb_stream_pending(const struct nb_stream *s);

/* One non-blocking read or write through the stream's operations (see
 * struct nb_stream_ops): for poll loops that wait on s->fd themselves. */
ssize_t nb_stream_read_now(struct nb_stream *s, void *buf, size_t cap, struct nb_err *e);
ssize_t nb_stream_write_now(struct nb_stream *s, const void *buf, size_t len, struct nb_err *e);

/* Reads what is there, up to cap (at least 1) bytes, waiting at most
 * timeout_ms (-1: no limit) for the first byte. Returns the number of bytes
 * read, 0 at end of stream, or -1 with e set to NB_E_TIMEOUT ("nothing
 * received for 0.5 s"), NB_E_CONNECT (reset by the peer), NB_E_INVALID (cap
 * 0) or NB_E_SYS. */
ssize_t nb_stream_read(struct nb_stream *s, void *buf, size_t cap, int64_t timeout_ms,
                       struct nb_err *e);

/* Writes all len bytes of buf. timeout_ms (-1: none) bounds each wait for
 * the peer to take more, so a slow peer that keeps reading never times out.
 * Returns 0, or -1 with e set to NB_E_TIMEOUT, NB_E_CONNECT (the peer closed
 * or reset the connection) or NB_E_SYS; some bytes may have gone before a
 * failure. */
int nb_stream_write_all(struct nb_stream *s, const void *buf, size_t len, int64_t timeout_ms,
                        struct nb_err *e);

/* Half-closes: the peer reads end of stream while we can still read its
 * reply. Returns 0, or -1 with e set to NB_E_CONNECT when the connection is
 * already gone, NB_E_SYS otherwise. */
int nb_stream_shutdown_write(struct nb_stream *s, struct nb_err *e);

/* Closes the stream (nothing when it is closed already). There is no status
 * to act on: the fd is gone afterwards whatever close says. */
void nb_stream_close(struct nb_stream *s);

#endif
