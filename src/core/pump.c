/* pump.c - the netcat loop: stdin to the peer and the peer to stdout at once,
 * over four named poll slots after OpenBSD nc (a slot is off when its fd is -1). */
#include <netbasics/io.h>
#include <netbasics/pump.h>
#include <netbasics/sock.h>

#include <errno.h>
#include <stdlib.h>

#define UP_SIZE (1u << 20) /* 1 MiB reads from the input: the loopback ceiling wants them */

/* The poll slots: read stdin, send to the peer, read the peer, write stdout. */
enum { POLL_STDIN, POLL_NETOUT, POLL_NETIN, POLL_STDOUT, POLL_SLOTS };

/* What a phase says: go on with the loop, or the loop ends: done (the peer
 * or stdout closed), stopped by the stop flag, or failed (e set). */
enum step { GO_ON, DONE, STOPPED, FAILED };

struct pump {
    struct nb_stream *net;
    const struct nb_pump_opts *o;
    struct pollfd slot[POLL_SLOTS];
    char *up; /* read from stdin, not yet sent */
    size_t up_len, up_off;
    char *down; /* read from the peer, not yet written to stdout */
    size_t down_len, down_off, chunk;
    int in_open, wr_open;    /* stdin not at its end; our side not half-closed */
    uint64_t sent, received; /* for the narration */
    struct nb_deadline idle;
};

static const short SLOT_EVENTS[POLL_SLOTS] = {POLLIN, POLLOUT, POLLIN, POLLOUT};

/* Switches each slot on or off for what the buffers hold now. */
static void arm(struct pump *pm)
{
    int fds[POLL_SLOTS];

    fds[POLL_STDIN] = pm->in_open && pm->up_len == 0 ? pm->o->in_fd : -1;
    fds[POLL_NETOUT] = pm->up_len ? pm->net->fd : -1;
    fds[POLL_NETIN] = pm->down_len == 0 ? pm->net->fd : -1;
    fds[POLL_STDOUT] = pm->down_len ? pm->o->out_fd : -1;
    for (int i = 0; i < POLL_SLOTS; i++) {
        pm->slot[i].fd = fds[i];
        pm->slot[i].events = SLOT_EVENTS[i];
        pm->slot[i].revents = 0;
    }
    /* TLS may need to write to go on reading, or the other way round */
    pm->slot[POLL_NETOUT].events |= pm->net->want;
    pm->slot[POLL_NETIN].events |= pm->net->want;
}

/* Waits for a slot; the idle deadline and the stop flag end the loop. */
static enum step wait_slots(struct pump *pm, struct nb_err *e)
{
    char idle[NB_DURATION_TEXT_MAX];
    int r;

    if (pm->slot[POLL_NETIN].fd >= 0 && nb_stream_pending(pm->net)) {
        /* bytes wait inside the transport (TLS): a poll would not see them */
        pm->slot[POLL_NETIN].revents = POLLIN;
        return GO_ON;
    }
    r = nb_sock_poll(pm->slot, POLL_SLOTS, &pm->idle, pm->o->stop, e);

    if (r != 0)
        return r < 0 ? FAILED : GO_ON;
    if (pm->o->stop && *pm->o->stop)
        return STOPPED;
    nb_err_set(e, NB_E_TIMEOUT, "no data either way for %s: giving up (-w sets the wait)",
               nb_duration_format(pm->o->idle_ms, idle, sizeof idle));
    return FAILED;
}

static enum step read_stdin(struct pump *pm, struct nb_err *e)
{
    ssize_t k;

    if (!pm->slot[POLL_STDIN].revents)
        return GO_ON;
    k = nb_read_some(pm->o->in_fd, pm->up, UP_SIZE);
    if (k < 0 && errno != EAGAIN) {
        nb_err_sys(e, NB_E_SYS, errno, "cannot read standard input");
        return FAILED;
    }
    if (k == 0) {
        pm->in_open = 0;
    } else if (k > 0) {
        pm->up_len = (size_t)k;
        pm->up_off = 0;
        pm->slot[POLL_NETOUT].revents |= POLLOUT; /* send at once: loopback usually takes it */
    }
    nb_deadline_init(&pm->idle, pm->o->idle_ms);
    return GO_ON;
}

static enum step send_up(struct pump *pm, struct nb_err *e)
{
    ssize_t k;

    if (!pm->up_len || !pm->slot[POLL_NETOUT].revents)
        return GO_ON;
    k = nb_stream_write_now(pm->net, pm->up + pm->up_off, pm->up_len, e);
    if (k == NB_STREAM_AGAIN)
        return GO_ON;
    if (k < 0) {
        if (e->sys_errno != EPIPE && e->sys_errno != ECONNRESET)
            return FAILED;
        /* the peer is gone: what it sent is still to be read */
        pm->up_len = 0;
        pm->in_open = pm->wr_open = 0;
        return GO_ON;
    }
    if (pm->sent == 0)
        nb_explainf(pm->o->x, "send(%d, %zd bytes) — the first bytes go to the peer%s", pm->net->fd,
                    k, pm->o->in_fd >= 0 ? " (more follow as the input gives them)" : "");
    else if (nb_explaining_at(pm->o->x, NB_EXPLAIN_PACKETS))
        nb_explainf(pm->o->x, "send(%d, %zd bytes) — more of the input", pm->net->fd, k);
    nb_explain_bytes(pm->o->x, ">", pm->up + pm->up_off, (size_t)k, NB_EXPLAIN_BYTES_MAX);
    pm->up_off += (size_t)k;
    pm->up_len -= (size_t)k;
    pm->sent += (uint64_t)k;
    nb_deadline_init(&pm->idle, pm->o->idle_ms);
    return GO_ON;
}

/* Half-closes once stdin has ended and all of it is sent: the lesson's netcat(). */
static enum step half_close(struct pump *pm, struct nb_err *e)
{
    if (pm->in_open || pm->up_len || !pm->wr_open)
        return GO_ON;
    pm->wr_open = 0;
    if (nb_stream_shutdown_write(pm->net, e) < 0 && e->code != NB_E_CONNECT)
        return FAILED;
    return GO_ON;
}

static enum step recv_down(struct pump *pm, struct nb_err *e)
{
    ssize_t k;

    if (!pm->slot[POLL_NETIN].revents)
        return GO_ON;
    k = nb_stream_read_now(pm->net, pm->down, pm->chunk, e);
    if (k == NB_STREAM_AGAIN)
        return GO_ON;
    if (k < 0)
        return FAILED;
    if (k == 0) {
        nb_explainf(pm->o->x,
                    "recv(%d) = 0 — the peer closed its side: end of stream, after %llu "
                    "bytes received",
                    pm->net->fd, (unsigned long long)pm->received);
        return DONE;
    }
    if (pm->received == 0)
        nb_explainf(pm->o->x, "recv(%d) = %zd bytes — the first answer from the peer", pm->net->fd,
                    k);
    else if (nb_explaining_at(pm->o->x, NB_EXPLAIN_PACKETS))
        nb_explainf(pm->o->x, "recv(%d) = %zd bytes — more from the peer", pm->net->fd, k);
    nb_explain_bytes(pm->o->x, "<", pm->down, (size_t)k, NB_EXPLAIN_BYTES_MAX);
    pm->received += (uint64_t)k;
    nb_deadline_init(&pm->idle, pm->o->idle_ms);
    if (pm->o->out_fd < 0) {
        if (pm->o->on_data)
            pm->o->on_data(pm->o->ctx, pm->down, (size_t)k);
        return GO_ON;
    }
    pm->down_len = (size_t)k;
    pm->down_off = 0;
    pm->slot[POLL_STDOUT].revents |= POLLOUT; /* write at once: stdout usually takes it */
    return GO_ON;
}

static enum step write_stdout(struct pump *pm, struct nb_err *e)
{
    ssize_t k;

    if (!pm->down_len || !pm->slot[POLL_STDOUT].revents)
        return GO_ON;
    k = nb_write_some(pm->o->out_fd, pm->down + pm->down_off, pm->down_len);
    if (k < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return GO_ON;
        if (nb_io_reader_gone(pm->o->out_fd, errno))
            return DONE; /* stdout closed: end quietly, as a pipeline expects */
        nb_err_sys(e, NB_E_SYS, errno, "cannot write to standard output");
        return FAILED;
    }
    pm->down_off += (size_t)k;
    pm->down_len -= (size_t)k;
    return GO_ON;
}

/* The loop: arm the slots for what the buffers hold, wait, then each phase
 * in turn - read stdin, send it, half-close after the input's end, read the
 * peer, write it out - until the peer closes, stdout closes, the stop flag
 * or an error. */
static enum step run(struct pump *pm, struct nb_err *e)
{
    if (!pm->in_open) {
        if (nb_stream_shutdown_write(pm->net, e) < 0)
            return FAILED;
        pm->wr_open = 0;
    }
    nb_deadline_init(&pm->idle, pm->o->idle_ms);
    for (;;) {
        enum step r;
        arm(pm);
        r = wait_slots(pm, e);
        if (r == GO_ON)
            r = read_stdin(pm, e);
        if (r == GO_ON)
            r = send_up(pm, e);
        if (r == GO_ON)
            r = half_close(pm, e);
        if (r == GO_ON)
            r = recv_down(pm, e);
        if (r == GO_ON)
            r = write_stdout(pm, e);
        if (r != GO_ON)
            return r;
    }
}

int nb_pump(struct nb_stream *net, const struct nb_pump_opts *o, struct nb_err *e)
{
    struct pump pm = {.net = net, .o = o, .in_open = o->in_fd >= 0, .wr_open = 1};
    enum step r = FAILED;

    pm.chunk = o->read_chunk ? o->read_chunk : 65536;
    pm.down = malloc(pm.chunk);
    if (pm.in_open)
        pm.up = malloc(UP_SIZE);
    if (!pm.down || (pm.in_open && !pm.up))
        nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate buffers");
    else
        r = run(&pm, e);
    free(pm.up);
    free(pm.down);
    return r == DONE ? 0 : r == STOPPED ? NB_STOPPED : -1;
}
