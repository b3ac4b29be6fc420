/* pump.c - the netcat loop: stdin to socket and socket to stdout at once. */
#include <netbasics/lines.h>
#include <netbasics/pump.h>
#include <netbasics/sock.h>

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define UP_SIZE (1u << 20) /* 1 MiB reads from the input: the loopback ceiling wants them */

/* Writes p[0..n) to the output; returns 0, 1 when the output is gone (EPIPE), -1. */
static int deliver(const struct nb_pump_opts *o, const char *p, size_t n, struct nb_err *e)
{
    if (o->out_fd < 0) {
        if (o->on_data)
            o->on_data(o->ctx, p, n);
        return 0;
    }
    if (nb_write_all(o->out_fd, p, n) == 0)
        return 0;
    if (errno == EPIPE)
        return 1;
    return nb_err_sys(e, NB_E_SYS, errno, "cannot write to standard output");
}

int nb_pump(int fd, const struct nb_pump_opts *o, struct nb_pump_stats *st, struct nb_err *e)
{
    size_t chunk = o->read_chunk ? o->read_chunk : 65536;
    char *up = NULL, *down = NULL;
    size_t up_len = 0, up_off = 0;
    int in_open = o->in_fd >= 0, wr_open = 1, rc = -1;
    struct nb_deadline idle;

    st->sent = st->received = 0;
    st->peer_closed = st->stopped = 0;
    down = malloc(chunk);
    if (in_open)
        up = malloc(UP_SIZE);
    if (!down || (in_open && !up)) {
        nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate buffers");
        goto out;
    }
    if (!in_open) {
        if (nb_sock_shutdown_write(fd, o->x, e) < 0)
            goto out;
        wr_open = 0;
    }
    nb_deadline_init(&idle, o->idle_ms);
    for (;;) {
        struct pollfd p[2];
        size_t n = 0;
        int sock_i, in_i = -1, r;

        if (in_open && up_len == 0) {
            p[n].fd = o->in_fd;
            p[n].events = POLLIN;
            in_i = (int)n++;
        }
        sock_i = (int)n;
        p[n].fd = fd;
        p[n].events = (short)(POLLIN | (up_len ? POLLOUT : 0));
        n++;
        r = nb_sock_poll(p, n, &idle, o->stop, e);
        if (r < 0)
            goto out;
        if (r == 0) {
            if (o->stop && *o->stop) {
                st->stopped = 1;
                rc = 0;
                goto out;
            }
            nb_err_set(e, NB_E_TIMEOUT, "no data either way for %lld s: giving up (-w sets the wait)",
                       (long long)(o->idle_ms / 1000));
            goto out;
        }
        if (in_i >= 0 && p[in_i].revents) {
            ssize_t k = read(o->in_fd, up, UP_SIZE);
            if (k < 0 && errno != EINTR && errno != EAGAIN) {
                nb_err_sys(e, NB_E_SYS, errno, "cannot read standard input");
                goto out;
            }
            if (k == 0) {
                in_open = 0;
            } else if (k > 0) {
                up_len = (size_t)k;
                up_off = 0;
                p[sock_i].revents |= POLLOUT; /* try to send at once: loopback usually takes it */
            }
            nb_deadline_init(&idle, o->idle_ms);
        }
        if (up_len && (p[sock_i].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t k = send(fd, up + up_off, up_len, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                if (errno == EPIPE || errno == ECONNRESET) {
                    /* the peer is gone: what it sent is still to be read below */
                    up_len = 0;
                    in_open = 0;
                    wr_open = 0;
                } else {
                    nb_err_sys(e, NB_E_SYS, errno, "cannot send");
                    goto out;
                }
            } else if (k > 0) {
                if (st->sent == 0)
                    nb_explainf(o->x, "send(%d, %zd bytes) — the first bytes go to the peer%s", fd,
                                k, o->in_fd >= 0 ? " (more follow as the input gives them)" : "");
                up_off += (size_t)k;
                up_len -= (size_t)k;
                st->sent += (uint64_t)k;
                nb_deadline_init(&idle, o->idle_ms);
            }
        }
        if (!in_open && up_len == 0 && wr_open) {
            if (nb_sock_shutdown_write(fd, o->x, e) < 0 && e->code != NB_E_CONNECT)
                goto out;
            wr_open = 0;
        }
        if (p[sock_i].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t k = nb_sock_read_some(fd, down, chunk, 0, e);
            if (k < 0) {
                if (e->code == NB_E_TIMEOUT)
                    continue; /* woken for POLLOUT only */
                goto out;
            }
            if (k == 0) {
                nb_explainf(o->x, "recv(%d) = 0 — the peer closed its side: end of stream, after "
                                  "%llu bytes received", fd, (unsigned long long)st->received);
                st->peer_closed = 1;
                rc = 0;
                goto out;
            }
            if (st->received == 0)
                nb_explainf(o->x, "recv(%d) = %zd bytes — the first answer from the peer", fd, k);
            st->received += (uint64_t)k;
            nb_deadline_init(&idle, o->idle_ms);
            r = deliver(o, down, (size_t)k, e);
            if (r < 0)
                goto out;
            if (r > 0) {
                rc = 0; /* stdout closed: end quietly */
                goto out;
            }
        }
    }
out:
    free(up);
    free(down);
    return rc;
}
