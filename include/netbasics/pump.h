/* pump.h - the netcat loop: copy stdin to a connected stream and the stream
 * to stdout at the same time (poll), half-close when the input ends, and
 * read until the peer closes. Used by `send` and `listen --raw`. */
#ifndef NETBASICS_PUMP_H
#define NETBASICS_PUMP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>
#include <netbasics/out.h>
#include <netbasics/stream.h>

struct nb_pump_opts {
    int in_fd;         /* bytes to send (stdin), or -1 when there is nothing to send */
    int out_fd;        /* where received bytes go (stdout), or -1 to hand them to on_data */
    int64_t idle_ms;   /* end with NB_E_TIMEOUT after this long with no byte either way; -1 none */
    size_t read_chunk; /* largest read from the peer (64 KiB; 1024 mirrors the lesson) */
    void (*on_data)(void *ctx, const char *p, size_t n); /* used when out_fd is -1 */
    void *ctx;
    const volatile sig_atomic_t *stop; /* set by a signal handler to end early */
    const struct nb_explain *x;
};

/* Runs the loop on the connected stream net until the peer closes its side,
 * the stop flag is set, or an error. When in_fd ends (or is -1) net is
 * half-closed so the peer reads end of stream. A closed stdout (EPIPE) ends
 * the loop quietly, as a pipeline expects. Returns 0 (the peer or stdout
 * closed), NB_STOPPED (sock.h: the stop flag), or -1 with e set:
 * NB_E_TIMEOUT (idle), NB_E_CONNECT (reset by the peer), NB_E_SYS. Does not
 * close net. */
int nb_pump(struct nb_stream *net, const struct nb_pump_opts *o, struct nb_err *e);

#endif
