/* serve.c - the lesson's server as one poll loop over many clients: line
 * framing across reads, per-client state, bounded buffers, idle timeouts. */
#include <netbasics/serve.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_READ         4096         /* small reads keep the replies of one read bounded */
#define SINK_READ         16384        /* 16 KiB reads measured faster than 64 KiB here (cache) */
#define SINK_MORE         64           /* full sink reads taken in a row before others get a turn */
#define OUT_HIGH          (64u * 1024) /* stop reading a client whose replies pile up past this */
#define ACCEPT_BACKOFF_MS 100          /* out of fds: leave the backlog alone this long */
#define ADMIT_TURN        64           /* clients taken from the backlog per turn of the loop */

static const char SAID[] = "You said ";

/* --- framing ------------------------------------------------------------ */

void nb_serve_framer_init(struct nb_serve_framer *f, char *buf, size_t max)
{
    f->buf = buf;
    f->max = max ? max : 1;
    f->len = 0;
}

/* Hands out the line held in f (len bytes, a piece when cut) and empties f. */
static void emit(struct nb_serve_framer *f, size_t len, int cut, struct nb_serve_line *out)
{
    if (!cut && len > 0 && f->buf[len - 1] == '\r')
        len--; /* CRLF from telnet-like clients */
    out->ready = 1;
    out->text = f->buf;
    out->len = len;
    out->cut = cut;
    out->bye = !cut && len == 3 && !memcmp(f->buf, "bye", 3);
    f->len = 0;
}

size_t nb_serve_frame(struct nb_serve_framer *f, const char *p, size_t n, struct nb_serve_line *out)
{
    const char *nl = memchr(p, '\n', n);
    size_t take = nl ? (size_t)(nl - p) : n, room = f->max - f->len;

    out->ready = 0;
    if (take > room) {
        /* a piece of a line too long to keep: answer what we have */
        memcpy(f->buf + f->len, p, room);
        emit(f, f->max, 1, out);
        return room;
    }
    memcpy(f->buf + f->len, p, take);
    f->len += take;
    if (!nl)
        return n;
    emit(f, f->len, 0, out);
    return take + 1;
}

int nb_serve_frame_end(struct nb_serve_framer *f, struct nb_serve_line *out)
{
    out->ready = 0;
    if (f->len == 0)
        return 0;
    emit(f, f->len, 0, out);
    return 1;
}

/* --- one client ----------------------------------------------------------- */

struct client {
    struct nb_serve_client info;
    struct nb_stream s; /* s.fd -1: a free row */
    int closing;        /* bye seen: send what is left, then close */
    struct nb_serve_framer framer;
    char *out; /* replies not yet taken by the client */
    size_t out_len, out_off, out_cap;
    int64_t last_ms; /* last byte in or out */
    int64_t line_ms; /* first byte of the line not yet ended (or since its last piece); 0 none */
};

/* The server's state, shared by the phases of the loop. */
struct server {
    int lfd;
    const struct nb_serve_opts *o;
    const struct nb_serve_events *ev;
    struct nb_serve_stats *st;
    struct client *cl; /* cap rows */
    struct pollfd *pf; /* the listening socket (when armed), then each client */
    char *rbuf;
    size_t rbuf_size;
    unsigned cap, nclients, next_id;
    int accepting;
    int64_t now, accept_paused_until;
};

static const char LINE_LATE[] = "left a line unfinished too long (--line-timeout)";
static const char LINE_ROOM[] = "was dropped to make room: its line had been unfinished longest";

/* Queues "You said LINE\n". Returns 0, or -1 when out of memory. */
static int queue_reply(struct client *c, const char *line, size_t len)
{
    size_t need = c->out_len + sizeof SAID - 1 + len + 1;

    if (c->out_off && c->out_off + need > c->out_cap) {
        memmove(c->out, c->out + c->out_off, c->out_len);
        c->out_off = 0;
    }
    need += c->out_off;
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
static int take_line(struct server *sv, struct client *c, const struct nb_serve_line *l)
{
    if (queue_reply(c, l->text, l->len) < 0)
        return -1;
    if (sv->ev->line)
        sv->ev->line(sv->ev->ctx, &c->info, l->text, l->len, l->cut);
    if (l->bye)
        c->closing = 1;
    return 0;
}

/* Frames the bytes just read; bytes after "bye" are not read. The clock of
 * the line left unfinished starts at its first byte (or at its last piece
 * answered). Returns 0, or -1 when out of memory. */
static int frame(struct server *sv, struct client *c, const char *p, size_t n)
{
    int ended = 0;

    while (n > 0 && !c->closing) {
        struct nb_serve_line l;
        size_t k = nb_serve_frame(&c->framer, p, n, &l);
        p += k;
        n -= k;
        if (l.ready && take_line(sv, c, &l) < 0)
            return -1;
        ended |= l.ready;
    }
    if (c->framer.len == 0)
        c->line_ms = 0;
    else if (ended || c->line_ms == 0)
        c->line_ms = sv->now;
    return 0;
}

/* Sends what is queued; returns 0, or -1 when the client is gone. */
static int flush_out(struct client *c, const struct nb_serve_opts *o)
{
    while (c->out_len > 0) {
        ssize_t k = nb_stream_write_now(&c->s, c->out + c->out_off, c->out_len, NULL);
        if (k == NB_STREAM_AGAIN)
            return 0;
        if (k < 0)
            return -1;
        if (c->info.bytes_out == 0)
            nb_explainf(o->x, "send(%d, %zd bytes) — the first reply, 'You said ...'", c->s.fd, k);
        else if (nb_explaining_at(o->x, NB_EXPLAIN_PACKETS))
            nb_explainf(o->x, "send(%d, %zd bytes) — another reply", c->s.fd, k);
        nb_explain_bytes(o->x, ">", c->out + c->out_off, (size_t)k, NB_EXPLAIN_BYTES_MAX);
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
        return "said bye";
    return NULL;
}

/* Reports the client gone, counts it and frees its row. */
static void finish(struct server *sv, struct client *c, const char *why)
{
    c->info.ended_ms = nb_now_ms();
    sv->st->clients++;
    sv->st->bytes_in += c->info.bytes_in;
    sv->st->bytes_out += c->info.bytes_out;
    if (sv->ev->closed)
        sv->ev->closed(sv->ev->ctx, &c->info, why);
    nb_stream_close(&c->s);
    free(c->framer.buf);
    free(c->out);
    memset(c, 0, sizeof *c);
    c->s.fd = -1;
    sv->nclients--;
}

/* Why a client whose stream ended (got 0) or failed (got -1) is gone. */
static const char *end_reason(const struct server *sv, const struct client *c, ssize_t got)
{
    if (got < 0)
        return "reset the connection";
    if (sv->o->mode != NB_SERVE_ECHO)
        return "closed the connection";
    return c->closing ? "said bye" : "closed the connection without 'bye'";
}

static void count_in(struct server *sv, struct client *c, ssize_t got)
{
    if (c->info.bytes_in == 0)
        nb_explainf(sv->o->x, "recv(%d) = %zd bytes — the client's first words", c->s.fd, got);
    else if (nb_explaining_at(sv->o->x, NB_EXPLAIN_PACKETS))
        nb_explainf(sv->o->x, "recv(%d) = %zd bytes — more from the client", c->s.fd, got);
    nb_explain_bytes(sv->o->x, "<", sv->rbuf, (size_t)got, NB_EXPLAIN_BYTES_MAX);
    c->info.bytes_in += (uint64_t)got;
}

/* Reads what the client sent and answers it. Returns 0, or -1 with e set
 * (out of memory); a client that is done is finished here. */
static int receive(struct server *sv, struct client *c, struct nb_err *e)
{
    const char *why;
    ssize_t got = nb_stream_read_now(&c->s, sv->rbuf, sv->rbuf_size, NULL);

    /* sink: while reads come back full, read on instead of polling between */
    for (int more = 0;
         sv->o->mode == NB_SERVE_SINK && got == (ssize_t)sv->rbuf_size && more < SINK_MORE;
         more++) {
        count_in(sv, c, got);
        got = nb_stream_read_now(&c->s, sv->rbuf, sv->rbuf_size, NULL);
    }
    if (got == NB_STREAM_AGAIN) {
        c->last_ms = sv->now;
        return 0;
    }
    if (got <= 0) {
        struct nb_serve_line l;
        if (got == 0)
            nb_explainf(sv->o->x, "recv(%d) = 0 — the client closed its side: end of stream",
                        c->s.fd);
        /* a last line without its newline still counts */
        if (got == 0 && sv->o->mode == NB_SERVE_ECHO && nb_serve_frame_end(&c->framer, &l))
            take_line(sv, c, &l);
        flush_out(c, sv->o);
        finish(sv, c, end_reason(sv, c, got));
        return 0;
    }
    count_in(sv, c, got);
    c->last_ms = sv->now;
    if (sv->o->mode != NB_SERVE_ECHO)
        return 0;
    if (frame(sv, c, sv->rbuf, (size_t)got) < 0)
        return nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot queue a reply");
    if ((why = after_send(c, sv->o)))
        finish(sv, c, why);
    return 0;
}

/* One client's turn after the wait: send, read, or time it out. */
static int serve_client(struct server *sv, struct client *c, short rev, struct nb_err *e)
{
    const char *why;

    if ((rev & POLLOUT || (c->closing && c->out_len == 0)) && (why = after_send(c, sv->o))) {
        finish(sv, c, why);
        return 0;
    }
    if (rev & (POLLIN | POLLHUP | POLLERR)) {
        if (receive(sv, c, e) < 0)
            return -1;
        if (c->s.fd < 0)
            return 0;
    }
    if (sv->o->idle_ms >= 0 && sv->now - c->last_ms >= sv->o->idle_ms) {
        finish(sv, c, "was idle too long (--idle-timeout)");
    } else if (c->line_ms && sv->o->line_timeout_ms >= 0 &&
               sv->now - c->line_ms >= sv->o->line_timeout_ms) {
        sv->st->dropped_late++;
        finish(sv, c, LINE_LATE);
    }
    return 0;
}

/* The client whose line has been unfinished longest, or NULL when no line
 * is unfinished. */
static struct client *oldest_line(struct server *sv)
{
    struct client *old = NULL;

    for (unsigned i = 0; i < sv->cap; i++) {
        struct client *c = &sv->cl[i];
        if (c->s.fd >= 0 && c->line_ms && (!old || c->line_ms < old->line_ms))
            old = c;
    }
    return old;
}

/* Drops the client whose line has been unfinished longest, so that a new
 * client can have its row and fd. Returns 0, or -1 when there is none. */
static int make_room(struct server *sv)
{
    struct client *c = oldest_line(sv);

    if (!c)
        return -1;
    sv->st->dropped_room++;
    finish(sv, c, LINE_ROOM);
    return 0;
}

/* --- the loop --------------------------------------------------------------- */

/* Lowers *wait_ms (-1: none yet) to the time left until the deadline at. */
static void nearer(int64_t *wait_ms, int64_t at, int64_t now)
{
    int64_t left = at > now ? at - now : 0;

    if (*wait_ms < 0 || left < *wait_ms)
        *wait_ms = left;
}

/* Fills sv->pf: slot 0 the listening socket when a client may join now
 * (fd -1 when not: with every row taken, only while some client's line is
 * unfinished, as make_room can then drop it), then every client, reading
 * only while its replies do not pile up. Returns how many slots, and sets
 * *wait_ms to the time until the next idle or line deadline or the end of
 * an accept back-off (-1: none). */
static size_t arm(struct server *sv, int64_t *wait_ms)
{
    size_t n = 1;
    int unfinished = 0;

    *wait_ms = -1;
    for (unsigned i = 0; i < sv->cap; i++) {
        struct client *c = &sv->cl[i];
        if (c->s.fd < 0)
            continue;
        sv->pf[n++] = (struct pollfd){c->s.fd,
                                      (short)((c->out_len < OUT_HIGH && !c->closing ? POLLIN : 0) |
                                              (c->out_len ? POLLOUT : 0)),
                                      0};
        if (sv->o->idle_ms >= 0)
            nearer(wait_ms, c->last_ms + sv->o->idle_ms, sv->now);
        if (c->line_ms && sv->o->line_timeout_ms >= 0)
            nearer(wait_ms, c->line_ms + sv->o->line_timeout_ms, sv->now);
        unfinished |= c->line_ms != 0;
    }
    sv->pf[0] = (struct pollfd){-1, POLLIN, 0};
    if (sv->accepting && (sv->nclients < sv->cap || unfinished)) {
        if (sv->now >= sv->accept_paused_until)
            sv->pf[0].fd = sv->lfd;
        else
            nearer(wait_ms, sv->accept_paused_until, sv->now);
    }
    return n;
}

/* Takes one waiting client into a free row. When every row is taken, or
 * fds run out, the client whose line has been unfinished longest makes room
 * (a slowloris crowd cannot lock others out). Returns 1 when a client
 * joined, 0 when none did (none was waiting, no line is unfinished to make
 * room, or fds ran out: then accepting pauses), or -1 with e set. */
static int admit(struct server *sv, struct nb_err *e)
{
    struct nb_sockaddr peer;
    struct client *c;
    unsigned i;
    int fd;

    if (sv->nclients == sv->cap && !oldest_line(sv))
        return 0; /* no room to make: the newcomer waits in the backlog */
    fd = nb_sock_accept(sv->lfd, &peer, SOCK_NONBLOCK, sv->o->x, e);
    if (fd == -1 && (e->sys_errno == EMFILE || e->sys_errno == ENFILE) && make_room(sv) == 0)
        fd = nb_sock_accept(sv->lfd, &peer, SOCK_NONBLOCK, sv->o->x, e);
    if (fd == NB_SOCK_AGAIN)
        return 0;
    if (fd < 0) {
        if (e->sys_errno != EMFILE && e->sys_errno != ENFILE)
            return -1;
        /* out of fds: back off instead of spinning on a full backlog */
        if (sv->ev->notice)
            sv->ev->notice(sv->ev->ctx, e->msg);
        sv->accept_paused_until = sv->now + ACCEPT_BACKOFF_MS;
        return 0;
    }
    if (sv->nclients == sv->cap)
        make_room(sv); /* succeeds: a line was unfinished above, and still is */
    for (i = 0; i < sv->cap && sv->cl[i].s.fd >= 0; i++)
        ;
    c = &sv->cl[i];
    nb_sock_stream(&c->s, fd, sv->o->x);
    c->info.id = sv->next_id++;
    nb_sockaddr_format(&peer, c->info.peer, sizeof c->info.peer);
    c->info.started_ms = c->last_ms = sv->now;
    sv->nclients++;
    if (sv->o->mode == NB_SERVE_ECHO) {
        char *buf = malloc(sv->o->max_line ? sv->o->max_line : 1);
        nb_serve_framer_init(&c->framer, buf, sv->o->max_line);
        if (!buf) {
            nb_stream_close(&c->s);
            sv->nclients--;
            return nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate a line buffer");
        }
    }
    if (!sv->o->keep_open)
        sv->accepting = 0;
    if (sv->ev->connected)
        sv->ev->connected(sv->ev->ctx, &c->info);
    return 1;
}

/* The loop, phase by phase, until the one client of the lesson is served,
 * the stop flag is set, or an error:
 *   arm    - a poll slot for the listening socket (when a client may join)
 *            and one per client;
 *   wait   - for a slot, the nearest idle or line deadline, or the stop flag;
 *   serve  - each client in table order: send its replies, read and frame
 *            what it sent, or close it when idle or its line is late;
 *   admit  - take new clients (up to ADMIT_TURN) into free rows, making
 *            room if needed. */
static int run(struct server *sv, struct nb_err *e)
{
    for (;;) {
        struct nb_deadline d;
        int64_t wait_ms;
        size_t n, k;

        if (!sv->accepting && sv->nclients == 0)
            return 0; /* the one client of the lesson has been served */
        sv->now = nb_now_ms();
        n = arm(sv, &wait_ms);
        nb_deadline_init(&d, wait_ms);
        if (nb_sock_poll(sv->pf, n, wait_ms >= 0 ? &d : NULL, sv->o->stop, e) < 0)
            return -1;
        if (sv->o->stop && *sv->o->stop)
            return NB_STOPPED;
        sv->now = nb_now_ms();
        k = 1; /* the clients' slots follow the listening socket's */
        for (unsigned i = 0; i < sv->cap; i++) {
            if (sv->cl[i].s.fd < 0)
                continue;
            if (serve_client(sv, &sv->cl[i], sv->pf[k++].revents, e) < 0)
                return -1;
            if (sv->o->stop && nb_sock_stopping(sv->o->stop))
                return NB_STOPPED; /* 900 busy clients take longer than the signal may wait */
        }
        for (unsigned t = 0; sv->pf[0].fd >= 0 && sv->pf[0].revents && t < ADMIT_TURN; t++) {
            int r = sv->accepting ? admit(sv, e) : 0;
            if (r < 0)
                return -1;
            if (r == 0)
                break;
        }
    }
}

int nb_serve(int lfd, const struct nb_serve_opts *o, const struct nb_serve_events *ev,
             struct nb_serve_stats *st, struct nb_err *e)
{
    struct server sv = {.lfd = lfd, .o = o, .ev = ev, .st = st, .next_id = 1, .accepting = 1};
    struct nb_err undo;
    int rc = -1;

    memset(st, 0, sizeof *st);
    sv.cap = o->max_clients ? o->max_clients : 1;
    sv.rbuf_size = o->mode == NB_SERVE_ECHO ? ECHO_READ : SINK_READ;
    sv.cl = calloc(sv.cap, sizeof *sv.cl);
    sv.pf = calloc((size_t)sv.cap + 1, sizeof *sv.pf);
    sv.rbuf = malloc(sv.rbuf_size);
    if (!sv.cl || !sv.pf || !sv.rbuf) {
        nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate the client table");
    } else if (nb_sock_set_nonblock(lfd, 1, e) == 0) { /* admit takes clients until none is left */
        for (unsigned i = 0; i < sv.cap; i++)
            sv.cl[i].s.fd = -1;
        rc = run(&sv, e);
        for (unsigned i = 0; i < sv.cap; i++)
            if (sv.cl[i].s.fd >= 0)
                finish(&sv, &sv.cl[i], "was disconnected: the server is stopping");
        nb_sock_set_nonblock(lfd, 0, &undo); /* lfd is the caller's: as it was */
    }
    free(sv.cl);
    free(sv.pf);
    free(sv.rbuf);
    return rc;
}

int nb_serve_accept_one(int lfd, const volatile sig_atomic_t *stop, struct nb_stream *client,
                        struct nb_sockaddr *peer, const struct nb_explain *x, struct nb_err *e)
{
    for (;;) {
        struct pollfd p = {lfd, POLLIN, 0};
        int r = nb_sock_poll(&p, 1, NULL, stop, e);
        if (r < 0)
            return -1;
        if (r == 0)
            return NB_STOPPED;
        r = nb_sock_accept(lfd, peer, 0, x, e);
        if (r >= 0) {
            nb_sock_stream(client, r, x);
            return 0;
        }
        if (r == -1 && e->sys_errno != EMFILE && e->sys_errno != ENFILE)
            return -1;
        if (r == -1) {
            struct nb_deadline d;
            nb_deadline_init(&d, ACCEPT_BACKOFF_MS);
            nb_sock_poll(NULL, 0, &d, stop, e);
        }
    }
}
