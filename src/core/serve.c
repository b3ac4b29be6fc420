/* serve.c - the lesson's server as one poll loop over many clients: line
 * framing across reads, per-client state, bounded buffers, idle timeouts. */
#include <netbasics/serve.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ECHO_READ 4096        /* small reads keep the replies of one read bounded */
#define SINK_READ 16384       /* 16 KiB reads measured faster than 64 KiB here (cache) */
#define OUT_HIGH (64u * 1024) /* stop reading a client whose replies pile up past this */
#define ACCEPT_BACKOFF_MS 100 /* out of fds: leave the backlog alone this long */

struct client {
    struct nb_serve_client info;
    int fd;
    int closing;           /* bye seen: send what is left, then close */
    const char *why;       /* why it is closing */
    char *line;            /* the line being framed, up to max_line bytes */
    size_t line_len;
    char *out;             /* replies not yet taken by the client */
    size_t out_len, out_off, out_cap;
    int64_t last_ms;       /* last byte in or out */
};

static const char SAID[] = "You said ";

static void client_free(struct client *c, const struct nb_serve_opts *o)
{
    nb_sock_close(c->fd, o->x);
    free(c->line);
    free(c->out);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

/* Queues "You said LINE\n". Returns 0, or -1 when out of memory. */
static int queue_reply(struct client *c, const char *line, size_t len)
{
    size_t need = c->out_len + sizeof SAID - 1 + len + 1;

    if (c->out_off && need > c->out_cap) {
        memmove(c->out, c->out + c->out_off, c->out_len);
        c->out_off = 0;
    }
    need = c->out_off + c->out_len + sizeof SAID - 1 + len + 1;
    if (need > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 256;
        char *p;
        while (cap < need)
            cap *= 2;
        p = realloc(c->out, cap);
        if (!p)
            return -1;
        c->out = p;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_off + c->out_len, SAID, sizeof SAID - 1);
    c->out_len += sizeof SAID - 1;
    memcpy(c->out + c->out_off + c->out_len, line, len);
    c->out_len += len;
    c->out[c->out_off + c->out_len++] = '\n';
    return 0;
}

/* One framed line: reply, report, and notice "bye". */
static int take_line(struct client *c, const char *line, size_t len, int cut,
                     const struct nb_serve_events *ev)
{
    if (!cut && len > 0 && line[len - 1] == '\r')
        len--; /* CRLF from telnet-like clients */
    if (queue_reply(c, line, len) < 0)
        return -1;
    if (ev->line)
        ev->line(ev->ctx, &c->info, line, len, cut);
    if (!cut && len == 3 && !memcmp(line, "bye", 3)) {
        c->closing = 1;
        c->why = "said bye";
    }
    return 0;
}

/* Frames the bytes just read into lines. Returns 0, or -1 out of memory. */
static int frame(struct client *c, const char *p, size_t n, size_t max_line,
                 const struct nb_serve_events *ev)
{
    while (n > 0 && !c->closing) {
        const char *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;
        size_t room = max_line - c->line_len;

        if (take > room) {
            /* a piece of a line too long to keep: answer what we have */
            memcpy(c->line + c->line_len, p, room);
            if (take_line(c, c->line, max_line, 1, ev) < 0)
                return -1;
            c->line_len = 0;
            p += room;
            n -= room;
            continue;
        }
        memcpy(c->line + c->line_len, p, take);
        c->line_len += take;
        if (!nl)
            return 0;
        if (take_line(c, c->line, c->line_len, 0, ev) < 0)
            return -1;
        c->line_len = 0;
        p += take + 1;
        n -= take + 1;
    }
    return 0;
}

/* Sends what is queued; returns 0, or -1 when the client is gone. */
static int flush_out(struct client *c, const struct nb_serve_opts *o)
{
    while (c->out_len > 0) {
        ssize_t k = send(c->fd, c->out + c->out_off, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -1;
        }
        if (c->info.bytes_out == 0)
            nb_explainf(o->x, "send(%d, %zd bytes) — the first reply, 'You said ...'", c->fd, k);
        c->out_off += (size_t)k;
        c->out_len -= (size_t)k;
        c->info.bytes_out += (uint64_t)k;
        c->last_ms = nb_now_ms();
    }
    c->out_off = 0;
    return 0;
}

/* Sends what is queued; returns why the client is done (it reset, or its
 * replies are all out after 'bye'), or NULL while it goes on. */
static const char *after_send(struct client *c, const struct nb_serve_opts *o)
{
    if (flush_out(c, o) < 0)
        return "reset the connection";
    if (c->closing && c->out_len == 0)
        return c->why;
    return NULL;
}

static void finish(struct client *c, const char *why, const struct nb_serve_opts *o,
                   const struct nb_serve_events *ev, struct nb_serve_stats *st)
{
    c->info.ended_ms = nb_now_ms();
    st->clients++;
    st->bytes_in += c->info.bytes_in;
    st->bytes_out += c->info.bytes_out;
    if (ev->closed)
        ev->closed(ev->ctx, &c->info, why);
    client_free(c, o);
}

int nb_serve_accept_one(int lfd, const volatile sig_atomic_t *stop, struct nb_sockaddr *peer,
                        const struct nb_explain *x, struct nb_err *e)
{
    for (;;) {
        struct pollfd p = {lfd, POLLIN, 0};
        int r = nb_sock_poll(&p, 1, NULL, stop, e);
        if (r < 0)
            return -1;
        if (r == 0) {
            nb_err_clear(e);
            return -1; /* stopped */
        }
        r = nb_sock_accept(lfd, peer, 0, x, e);
        if (r >= 0)
            return r;
        if (r == -1 && e->sys_errno != EMFILE && e->sys_errno != ENFILE)
            return -1;
        if (r == -1) {
            struct nb_deadline d;
            nb_deadline_init(&d, ACCEPT_BACKOFF_MS);
            nb_sock_poll(NULL, 0, &d, stop, e);
        }
    }
}

int nb_serve(int lfd, const struct nb_serve_opts *o, const struct nb_serve_events *ev,
             struct nb_serve_stats *st, struct nb_err *e)
{
    unsigned cap = o->max_clients ? o->max_clients : 1, nclients = 0, next_id = 1, i;
    size_t rbuf_size = o->mode == NB_SERVE_ECHO ? ECHO_READ : SINK_READ;
    struct client *cl = calloc(cap, sizeof *cl);
    struct pollfd *pf = calloc((size_t)cap + 1, sizeof *pf);
    char *rbuf = malloc(rbuf_size);
    int64_t accept_paused_until = 0;
    int accepting = 1, rc = -1;

    memset(st, 0, sizeof *st);
    if (!cl || !pf || !rbuf) {
        nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate the client table");
        goto out;
    }
    for (i = 0; i < cap; i++)
        cl[i].fd = -1;
    for (;;) {
        struct nb_deadline d;
        int64_t now = nb_now_ms(), wait_ms = -1;
        size_t n = 0;
        int r, listen_i = -1;

        if (!accepting && nclients == 0) {
            rc = 0; /* the one client of the lesson has been served */
            goto out;
        }
        if (accepting && nclients < cap && now >= accept_paused_until) {
            pf[n].fd = lfd;
            pf[n].events = POLLIN;
            pf[n].revents = 0;
            listen_i = (int)n++;
        } else if (accepting && nclients < cap) {
            wait_ms = accept_paused_until - now;
        }
        for (i = 0; i < cap; i++) {
            struct client *c = &cl[i];
            if (c->fd < 0)
                continue;
            pf[n].fd = c->fd;
            pf[n].events = (short)((c->out_len < OUT_HIGH && !c->closing ? POLLIN : 0) |
                                   (c->out_len ? POLLOUT : 0));
            pf[n].revents = 0;
            n++;
            if (o->idle_ms >= 0) {
                int64_t left = c->last_ms + o->idle_ms - now;
                if (left < 0)
                    left = 0;
                if (wait_ms < 0 || left < wait_ms)
                    wait_ms = left;
            }
        }
        nb_deadline_init(&d, wait_ms);
        r = nb_sock_poll(pf, n, wait_ms >= 0 ? &d : NULL, o->stop, e);
        if (r < 0)
            goto out;
        if (o->stop && *o->stop) {
            st->stopped = 1;
            rc = 0;
            goto out;
        }
        now = nb_now_ms();
        /* pf[] lists the clients in table order after the listening socket */
        size_t k = listen_i >= 0 ? 1 : 0;
        for (i = 0; i < cap; i++) {
            struct client *c = &cl[i];
            const char *why;
            short rev;
            if (c->fd < 0)
                continue;
            rev = pf[k++].revents;
            if ((rev & POLLOUT || (c->closing && c->out_len == 0)) && (why = after_send(c, o))) {
                finish(c, why, o, ev, st);
                nclients--;
                continue;
            }
            if (rev & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t got = read(c->fd, rbuf, rbuf_size);
                /* sink: while reads come back full, read on (at most 64 times, so
                 * other clients wait little) instead of polling between them */
                for (int more = 0; o->mode == NB_SERVE_SINK && got == (ssize_t)rbuf_size &&
                                   more < 64; more++) {
                    if (c->info.bytes_in == 0)
                        nb_explainf(o->x, "recv(%d) = %zd bytes — the client's first words",
                                    c->fd, got);
                    c->info.bytes_in += (uint64_t)got;
                    got = read(c->fd, rbuf, rbuf_size);
                }
                if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
                    c->last_ms = now;
                    continue;
                }
                if (got <= 0) {
                    if (got == 0)
                        nb_explainf(o->x, "recv(%d) = 0 — the client closed its side: end of "
                                          "stream", c->fd);
                    /* a last line without its newline still counts */
                    if (got == 0 && c->line_len && o->mode == NB_SERVE_ECHO)
                        take_line(c, c->line, c->line_len, 0, ev);
                    flush_out(c, o);
                    finish(c,
                           got < 0 ? "reset the connection"
                           : o->mode == NB_SERVE_ECHO ? (c->closing ? "said bye"
                                                                    : "closed the connection "
                                                                      "without 'bye'")
                                                      : "closed the connection",
                           o, ev, st);
                    nclients--;
                    continue;
                }
                if (c->info.bytes_in == 0)
                    nb_explainf(o->x, "recv(%d) = %zd bytes — the client's first words", c->fd,
                                got);
                c->info.bytes_in += (uint64_t)got;
                c->last_ms = now;
                if (o->mode == NB_SERVE_ECHO) {
                    if (frame(c, rbuf, (size_t)got, o->max_line, ev) < 0) {
                        nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot queue a reply");
                        goto out;
                    }
                    if ((why = after_send(c, o))) {
                        finish(c, why, o, ev, st);
                        nclients--;
                        continue;
                    }
                }
            }
            if (c->fd >= 0 && o->idle_ms >= 0 && now - c->last_ms >= o->idle_ms) {
                finish(c, "was idle too long (--idle-timeout)", o, ev, st);
                nclients--;
            }
        }
        if (listen_i >= 0 && pf[listen_i].revents) {
            struct nb_sockaddr peer;
            int fd = nb_sock_accept(lfd, &peer, SOCK_NONBLOCK, o->x, e);
            if (fd == NB_SOCK_AGAIN)
                continue;
            if (fd < 0) {
                if (e->sys_errno == EMFILE || e->sys_errno == ENFILE) {
                    /* out of fds: back off instead of spinning on a full backlog */
                    if (ev->notice)
                        ev->notice(ev->ctx, e->msg);
                    accept_paused_until = now + ACCEPT_BACKOFF_MS;
                    continue;
                }
                goto out;
            }
            for (i = 0; i < cap && cl[i].fd >= 0; i++)
                ;
            struct client *c = &cl[i];
            c->fd = fd;
            c->info.id = next_id++;
            nb_sockaddr_format(&peer, c->info.peer, sizeof c->info.peer);
            c->info.started_ms = c->last_ms = now;
            if (o->mode == NB_SERVE_ECHO) {
                c->line = malloc(o->max_line ? o->max_line : 1);
                if (!c->line) {
                    nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate a line buffer");
                    client_free(c, o);
                    goto out;
                }
            }
            nclients++;
            if (!o->keep_open)
                accepting = 0;
            if (ev->connected)
                ev->connected(ev->ctx, &c->info);
        }
    }
out:
    if (cl) {
        for (i = 0; i < cap; i++)
            if (cl[i].fd >= 0)
                finish(&cl[i], "was disconnected: the server is stopping", o, ev, st);
    }
    free(cl);
    free(pf);
    free(rbuf);
    return rc;
}
