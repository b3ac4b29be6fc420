/* udp.c - datagrams for send -u and listen -u (RFC 768): a client loop and the
 * lesson's server, each over one poll with named slots and phases. */
#include <netbasics/io.h>
#include <netbasics/udp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DGRAM_BUF 65536 /* holds any datagram without jumbograms (65,527 bytes at most) */
#define REPLY_MAX                                                                                  \
    65507               /* a reply fits the smaller, IPv4, limit: the peer may be ::ffff:a.b.c.d   \
                         */
#define DRAIN_MAX  256  /* datagrams taken per wake-up before the stop flag is looked at again */
#define SINK_EACH  2048 /* --sink only counts: each datagram's bytes are cut to this */
#define SINK_BATCH 64

/* What a phase says: go on, or the loop ends: done, stopped by the flag, or
 * failed (e set). */
enum step { GO_ON, DONE, STOPPED, FAILED };

static int step_result(enum step r)
{
    return r == DONE ? 0 : r == STOPPED ? NB_STOPPED : -1;
}

/* Writes p[0..n) to out_fd; DONE when the reader is gone (EPIPE), as a
 * pipeline expects. */
static enum step write_out(int out_fd, const char *p, size_t n, struct nb_err *e)
{
    if (nb_write_all(out_fd, p, n) == 0)
        return GO_ON;
    if (errno == EPIPE)
        return DONE;
    nb_err_sys(e, NB_E_SYS, errno, "cannot write to standard output");
    return FAILED;
}

/* --- the client ------------------------------------------------------------ */

/* The poll slots of the client: read stdin, read the peer. */
enum { CPOLL_STDIN, CPOLL_NETIN, CPOLL_SLOTS };

struct client {
    int fd;
    const struct nb_udp_send_opts *o;
    struct nb_udp_send_stats *st;
    size_t max;     /* the largest datagram for the peer's family */
    char *in;       /* stdin: one read, or (--lines) the unfinished line */
    size_t in_len;  /* --lines: bytes of the unfinished line */
    uint64_t lines; /* --lines: lines read, for messages */
    char *down;     /* one reply */
    int in_open;
    struct nb_deadline quiet; /* after the input: the end, unless a datagram comes */
};

/* An ICMP port unreachable (ECONNREFUSED), in the user's words. */
static enum step refused(const struct client *c, struct nb_err *e)
{
    struct nb_sockaddr peer;
    uint16_t port = 0;

    if (nb_sock_peer(c->fd, &peer, NULL) == 0)
        port = nb_sockaddr_port(&peer);
    nb_explainf(c->o->x,
                "recv(%d) = ECONNREFUSED — an ICMP 'port unreachable' came back, which the "
                "kernel reports on a connected UDP socket: nothing listens there",
                c->fd);
    nb_err_set(e, NB_E_CONNECT, "nothing listens on UDP port %u on %s", (unsigned)port,
               c->o->host ? c->o->host : "the peer");
    e->sys_errno = ECONNREFUSED;
    return FAILED;
}

/* The error of a send or receive on the connected socket. */
static enum step net_failed(const struct client *c, struct nb_err *e)
{
    if (e->code == NB_E_CONNECT && e->sys_errno == ECONNREFUSED)
        return refused(c, e);
    return FAILED;
}

static enum step send_one(struct client *c, const char *p, size_t n, struct nb_err *e)
{
    if (n > c->max) {
        nb_err_set(e, NB_E_INVALID,
                   "a datagram of %zu bytes is too long: UDP carries at most %zu bytes over IPv%d",
                   n, c->max, c->max == nb_sock_udp_max(AF_INET6) ? 6 : 4);
        return FAILED;
    }
    if (nb_sock_sendto(c->fd, p, n, NULL, e) < 0)
        return net_failed(c, e);
    if (c->st->sent == 0)
        nb_explainf(c->o->x,
                    "send(%d, %zu bytes) — one datagram, one whole message: no handshake came "
                    "before it, and nothing will tell us whether it arrived",
                    c->fd, n);
    else if (nb_explaining_at(c->o->x, NB_EXPLAIN_PACKETS))
        nb_explainf(c->o->x, "send(%d, %zu bytes) — another datagram", c->fd, n);
    nb_explain_bytes(c->o->x, ">", p, n, NB_EXPLAIN_BYTES_MAX);
    c->st->sent++;
    c->st->bytes_sent += n;
    return GO_ON;
}

/* The messages, each one datagram; every size is checked before any is sent. */
static enum step send_messages(struct client *c, struct nb_err *e)
{
    const struct nb_udp_send_opts *o = c->o;
    size_t nl = o->no_newline ? 0 : 1;

    for (size_t i = 0; i < o->nmsgs; i++) {
        size_t len = strlen(o->msgs[i]) + nl;
        if (len > c->max) {
            nb_err_set(e, NB_E_INVALID,
                       "message %zu is %zu bytes, but one UDP datagram carries at most %zu over "
                       "IPv%d",
                       i + 1, len, c->max, c->max == nb_sock_udp_max(AF_INET6) ? 6 : 4);
            return FAILED;
        }
    }
    for (size_t i = 0; i < o->nmsgs; i++) {
        size_t len = strlen(o->msgs[i]);
        memcpy(c->in, o->msgs[i], len);
        if (nl)
            c->in[len++] = '\n';
        if (send_one(c, c->in, len, e) != GO_ON)
            return FAILED;
    }
    return GO_ON;
}

/* The input has ended: from now on, silence for wait_ms is the end. */
static void input_ended(struct client *c)
{
    char w[NB_DURATION_TEXT_MAX];

    c->in_open = 0;
    nb_deadline_init(&c->quiet, c->o->wait_ms);
    if (c->o->wait_ms == 0)
        nb_explainf(c->o->x, "end of input — UDP has no half-close and no end of stream: nothing "
                             "tells the peer we are done, and we stop at once (--no-wait)");
    else
        nb_explainf(c->o->x,
                    "end of input — UDP has no half-close: no shutdown(), nothing tells the peer "
                    "we are done; wait up to %s for more replies",
                    nb_duration_format(c->o->wait_ms, w, sizeof w));
}

/* --lines: sends each whole line held in c->in and keeps the rest. */
static enum step send_lines(struct client *c, int at_end, struct nb_err *e)
{
    size_t start = 0;

    for (;;) {
        char *nl = memchr(c->in + start, '\n', c->in_len - start);
        size_t len;
        if (!nl)
            break;
        len = (size_t)(nl - (c->in + start)) + 1;
        c->lines++;
        if (send_one(c, c->in + start, len, e) != GO_ON)
            return FAILED;
        start += len;
    }
    memmove(c->in, c->in + start, c->in_len - start);
    c->in_len -= start;
    if (c->in_len == c->max && !at_end) {
        nb_err_set(e, NB_E_INVALID,
                   "line %llu is longer than %zu bytes: too long for one UDP datagram",
                   (unsigned long long)c->lines + 1, c->max);
        return FAILED;
    }
    if (at_end && c->in_len) { /* the last line, without its newline */
        c->lines++;
        if (send_one(c, c->in, c->in_len, e) != GO_ON)
            return FAILED;
        c->in_len = 0;
    }
    return GO_ON;
}

static enum step read_input(struct client *c, const struct pollfd *slot, struct nb_err *e)
{
    ssize_t k;

    if (!c->in_open || !slot[CPOLL_STDIN].revents)
        return GO_ON;
    if (c->o->lines)
        k = nb_read_some(c->o->in_fd, c->in + c->in_len, c->max - c->in_len);
    else
        k = nb_read_some(c->o->in_fd, c->in, c->max);
    if (k < 0) {
        if (errno == EAGAIN)
            return GO_ON;
        nb_err_sys(e, NB_E_SYS, errno, "cannot read standard input");
        return FAILED;
    }
    if (k == 0) {
        if (c->o->lines && send_lines(c, 1, e) != GO_ON)
            return FAILED;
        input_ended(c);
        return GO_ON;
    }
    if (!c->o->lines)
        return send_one(c, c->in, (size_t)k, e);
    c->in_len += (size_t)k;
    return send_lines(c, 0, e);
}

/* Takes every reply waiting now and passes each on whole. */
static enum step read_replies(struct client *c, const struct pollfd *slot, struct nb_err *e)
{
    if (!slot[CPOLL_NETIN].revents)
        return GO_ON;
    for (int i = 0; i < DRAIN_MAX; i++) {
        ssize_t n = nb_sock_recvfrom_now(c->fd, c->down, DGRAM_BUF, NULL, e);
        size_t len;
        if (n == NB_SOCK_AGAIN)
            return GO_ON;
        if (n < 0)
            return net_failed(c, e);
        len = (size_t)n < DGRAM_BUF ? (size_t)n : DGRAM_BUF;
        if (c->st->received == 0)
            nb_explainf(c->o->x,
                        "recv(%d) = %zu bytes — one whole datagram: UDP keeps the message "
                        "boundaries that a TCP stream does not",
                        c->fd, len);
        else if (nb_explaining_at(c->o->x, NB_EXPLAIN_PACKETS))
            nb_explainf(c->o->x, "recv(%d) = %zu bytes — another datagram", c->fd, len);
        nb_explain_bytes(c->o->x, "<", c->down, len, NB_EXPLAIN_BYTES_MAX);
        c->st->received++;
        c->st->bytes_received += len;
        if (!c->in_open)
            nb_deadline_init(&c->quiet, c->o->wait_ms);
        if (c->o->out_fd < 0) {
            if (c->o->on_datagram)
                c->o->on_datagram(c->o->ctx, c->down, len);
        } else {
            enum step r = write_out(c->o->out_fd, c->down, len, e);
            if (r != GO_ON)
                return r;
        }
    }
    return GO_ON;
}

/* Waits for stdin or a reply; after the input, until the quiet deadline. */
static enum step client_wait(struct client *c, struct pollfd *slot, struct nb_err *e)
{
    char w[NB_DURATION_TEXT_MAX];
    int r;

    slot[CPOLL_STDIN].fd = c->in_open ? c->o->in_fd : -1;
    slot[CPOLL_NETIN].fd = c->fd;
    for (int i = 0; i < CPOLL_SLOTS; i++) {
        slot[i].events = POLLIN;
        slot[i].revents = 0;
    }
    r = nb_sock_poll(slot, CPOLL_SLOTS, c->in_open ? NULL : &c->quiet, c->o->stop, e);
    if (r < 0)
        return FAILED;
    if (r > 0)
        return GO_ON;
    if (c->o->stop && *c->o->stop)
        return STOPPED;
    nb_explainf(c->o->x,
                "no datagram for %s — UDP has no end of stream, so silence is the only sign "
                "the peer is done. Datagrams may be lost, duplicated or reordered and nobody "
                "tells you: that is why DNS retries on its own",
                nb_duration_format(c->o->wait_ms, w, sizeof w));
    return DONE;
}

static enum step client_run(struct client *c, struct nb_err *e)
{
    struct pollfd slot[CPOLL_SLOTS];
    enum step r = send_messages(c, e);

    if (r != GO_ON)
        return r;
    if (!c->in_open)
        input_ended(c);
    for (;;) {
        if (!c->in_open && c->o->wait_ms == 0)
            return DONE;
        r = client_wait(c, slot, e);
        if (r == GO_ON)
            r = read_replies(c, slot, e);
        if (r == GO_ON)
            r = read_input(c, slot, e);
        if (r != GO_ON)
            return r;
    }
}

int nb_udp_send(int fd, const struct nb_udp_send_opts *o, struct nb_udp_send_stats *st,
                struct nb_err *e)
{
    struct client c = {.fd = fd, .o = o, .st = st, .in_open = o->in_fd >= 0};
    struct nb_sockaddr peer;
    enum step r = FAILED;

    memset(st, 0, sizeof *st);
    c.max = nb_sock_udp_max(nb_sock_peer(fd, &peer, NULL) == 0 ? peer.u.sa.sa_family : AF_INET);
    c.in = malloc(c.max + 1);
    c.down = malloc(DGRAM_BUF);
    if (!c.in || !c.down)
        nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate buffers");
    else {
        nb_explainf(o->x, "no handshake — connect() on a UDP socket sent nothing: it only fixed "
                          "the peer, so replies from anyone else are dropped");
        r = client_run(&c, e);
    }
    free(c.in);
    free(c.down);
    return step_result(r);
}

/* --- the server ------------------------------------------------------------- */

size_t nb_udp_echo_reply(const char *p, size_t n, char *reply, size_t cap, const char **text,
                         size_t *text_len, int *bye, int *cut)
{
    static const char said[] = "You said ";
    size_t len = n, room = cap - (sizeof said - 1) - 1;

    if (len && p[len - 1] == '\n') {
        len--;
        if (len && p[len - 1] == '\r')
            len--;
    }
    *text = p;
    *bye = len == 3 && !memcmp(p, "bye", 3);
    *cut = len > room;
    if (*cut)
        len = room;
    *text_len = len;
    memcpy(reply, said, sizeof said - 1);
    memcpy(reply + sizeof said - 1, p, len);
    reply[sizeof said - 1 + len] = '\n';
    return sizeof said - 1 + len + 1;
}

/* The poll slots of the server: read stdin (raw mode), read the socket. */
enum { SPOLL_STDIN, SPOLL_NETIN, SPOLL_SLOTS };

struct server {
    int fd;
    const struct nb_udp_serve_opts *o;
    const struct nb_udp_serve_events *ev;
    struct nb_udp_serve_stats *st;
    struct nb_udp_sender *senders; /* max_senders rows, st->senders used */
    unsigned last;                 /* the row that matched last: a quick first guess */
    char *buf, *reply;
    struct nb_sock_dgram *batch;
    struct nb_sockaddr last_peer; /* raw mode: where stdin's lines go */
    int have_last, in_open;
    char *in; /* raw mode: the unfinished stdin line */
    size_t in_len;
    struct nb_deadline idle;
};

/* The sender's row (a new one when there is room), or NULL past max_senders. */
static struct nb_udp_sender *sender_of(struct server *sv, const struct nb_sockaddr *sa)
{
    struct nb_udp_sender *s;

    if (sv->st->senders && nb_sockaddr_equal(&sv->senders[sv->last].sa, sa))
        return &sv->senders[sv->last];
    for (unsigned i = 0; i < sv->st->senders; i++) {
        if (nb_sockaddr_equal(&sv->senders[i].sa, sa)) {
            sv->last = i;
            return &sv->senders[i];
        }
    }
    if (sv->st->senders >= sv->o->max_senders)
        return NULL;
    sv->last = sv->st->senders++;
    s = &sv->senders[sv->last];
    memset(s, 0, sizeof *s);
    s->id = sv->last + 1;
    s->sa = *sa;
    nb_sockaddr_format(sa, s->peer, sizeof s->peer);
    if (sv->ev->first)
        sv->ev->first(sv->ev->ctx, s);
    return s;
}

/* Counts one datagram in, for its sender and for the whole. */
static struct nb_udp_sender *count_in(struct server *sv, const struct nb_sockaddr *sa, size_t n)
{
    struct nb_udp_sender *s = sender_of(sv, sa);
    int64_t now = nb_now_ms();

    if (sv->st->datagrams_in == 0)
        sv->st->first_ms = now;
    sv->st->last_ms = now;
    sv->st->datagrams_in++;
    sv->st->bytes_in += n;
    if (s) {
        s->datagrams_in++;
        s->bytes_in += n;
    } else {
        sv->st->untracked++;
    }
    nb_deadline_init(&sv->idle, sv->o->idle_ms);
    return s;
}

/* Sends one datagram to peer and counts it; a reply that cannot go out is
 * lost, as UDP loses datagrams, and said once as a notice. */
static void reply_to(struct server *sv, struct nb_udp_sender *s, const struct nb_sockaddr *peer,
                     const char *p, size_t n)
{
    struct nb_err le;

    if (nb_sock_sendto(sv->fd, p, n, peer, &le) < 0) {
        if (sv->ev->notice)
            sv->ev->notice(sv->ev->ctx, le.msg);
        return;
    }
    if (sv->st->datagrams_out == 0) {
        char to[NB_SOCKADDR_TEXT_MAX];
        nb_explainf(sv->o->x,
                    "sendto(%d, %zu bytes, %s) — the answer names its receiver every time: "
                    "there is no connection to write into",
                    sv->fd, n, nb_sockaddr_format(peer, to, sizeof to));
    } else if (nb_explaining_at(sv->o->x, NB_EXPLAIN_PACKETS)) {
        char to[NB_SOCKADDR_TEXT_MAX];
        nb_explainf(sv->o->x, "sendto(%d, %zu bytes, %s) — another answer", sv->fd, n,
                    nb_sockaddr_format(peer, to, sizeof to));
    }
    nb_explain_bytes(sv->o->x, ">", p, n, NB_EXPLAIN_BYTES_MAX);
    sv->st->datagrams_out++;
    sv->st->bytes_out += n;
    if (s) {
        s->datagrams_out++;
        s->bytes_out += n;
    }
}

/* The first datagram in words; at -xx every one, and the bytes it held
 * (p[0..kept), kept at most n: a sink keeps only the start of each). */
static void explain_in(struct server *sv, const struct nb_sockaddr *peer, const char *p, size_t n,
                       size_t kept)
{
    char from[NB_SOCKADDR_TEXT_MAX];

    if (sv->st->datagrams_in == 1)
        nb_explainf(sv->o->x,
                    "recvfrom(%d) = %zu bytes from %s — one whole datagram and who sent it: no "
                    "accept(), no connection, and each datagram is one message",
                    sv->fd, n, nb_sockaddr_format(peer, from, sizeof from));
    else if (nb_explaining_at(sv->o->x, NB_EXPLAIN_PACKETS))
        nb_explainf(sv->o->x, "recvfrom(%d) = %zu bytes from %s — another datagram", sv->fd, n,
                    nb_sockaddr_format(peer, from, sizeof from));
    nb_explain_bytes(sv->o->x, "<", p, kept < n ? kept : n, NB_EXPLAIN_BYTES_MAX);
}

/* Echo: "You said TEXT" to each datagram; a "bye" ends the one-shot server. */
static enum step echo_one(struct server *sv, const struct nb_sockaddr *peer, size_t n)
{
    struct nb_udp_sender *s = count_in(sv, peer, n);
    const char *text;
    size_t text_len, rlen;
    int bye, cut;

    explain_in(sv, peer, sv->buf, n, n);
    rlen = nb_udp_echo_reply(sv->buf, n, sv->reply, REPLY_MAX, &text, &text_len, &bye, &cut);
    if (s && sv->ev->message)
        sv->ev->message(sv->ev->ctx, s, text, text_len, cut);
    reply_to(sv, s, peer, sv->reply, rlen);
    if (!bye)
        return GO_ON;
    if (s)
        s->said_bye = 1;
    nb_explainf(sv->o->x, "'bye' — over UDP it is only a message: nothing was open, so nothing "
                          "is closed; the sender just stops talking");
    if (sv->o->keep_open)
        return GO_ON;
    sv->st->bye = 1;
    return DONE;
}

/* Raw: the datagram's bytes to out_fd; its sender gets stdin's lines. */
static enum step raw_one(struct server *sv, const struct nb_sockaddr *peer, size_t n,
                         struct nb_err *e)
{
    count_in(sv, peer, n);
    explain_in(sv, peer, sv->buf, n, n);
    sv->last_peer = *peer;
    sv->have_last = 1;
    return write_out(sv->o->out_fd, sv->buf, n, e);
}

/* Echo and raw: each waiting datagram, one at a time. */
static enum step take_datagrams(struct server *sv, struct nb_err *e)
{
    for (int i = 0; i < DRAIN_MAX; i++) {
        struct nb_sockaddr peer;
        ssize_t n = nb_sock_recvfrom_now(sv->fd, sv->buf, DGRAM_BUF, &peer, e);
        enum step r;
        if (n == NB_SOCK_AGAIN)
            return GO_ON;
        if (n < 0)
            return FAILED;
        if ((size_t)n > DGRAM_BUF)
            n = DGRAM_BUF;
        r = sv->o->mode == NB_UDP_RAW ? raw_one(sv, &peer, (size_t)n, e)
                                      : echo_one(sv, &peer, (size_t)n);
        if (r != GO_ON)
            return r;
    }
    return GO_ON;
}

/* Sink: count and discard, a batch per system call. */
static enum step sink_datagrams(struct server *sv, struct nb_err *e)
{
    for (int i = 0; i < DRAIN_MAX / 16; i++) {
        ssize_t got = nb_sock_recv_batch(sv->fd, sv->buf, SINK_EACH, sv->batch, SINK_BATCH, e);
        if (got == NB_SOCK_AGAIN)
            return GO_ON;
        if (got < 0)
            return FAILED;
        for (ssize_t k = 0; k < got; k++) {
            count_in(sv, &sv->batch[k].peer, sv->batch[k].len);
            explain_in(sv, &sv->batch[k].peer, sv->buf + (size_t)k * SINK_EACH, sv->batch[k].len,
                       SINK_EACH);
        }
    }
    return GO_ON;
}

/* Raw: each line of stdin (with its newline) to the last sender. */
static enum step raw_stdin(struct server *sv, const struct pollfd *slot, struct nb_err *e)
{
    size_t start = 0;
    ssize_t k;

    if (slot[SPOLL_STDIN].fd < 0 || !slot[SPOLL_STDIN].revents)
        return GO_ON;
    k = nb_read_some(sv->o->in_fd, sv->in + sv->in_len, REPLY_MAX - sv->in_len);
    if (k < 0) {
        if (errno == EAGAIN)
            return GO_ON;
        nb_err_sys(e, NB_E_SYS, errno, "cannot read standard input");
        return FAILED;
    }
    sv->in_len += (size_t)k;
    for (;;) {
        char *nl = memchr(sv->in + start, '\n', sv->in_len - start);
        size_t len = nl ? (size_t)(nl - (sv->in + start)) + 1 : sv->in_len - start;
        /* a whole line; what is left only at the end of input, or when it fills the buffer */
        if (!nl && (len == 0 || (k > 0 && !(start == 0 && sv->in_len == REPLY_MAX))))
            break;
        reply_to(sv, sender_of(sv, &sv->last_peer), &sv->last_peer, sv->in + start, len);
        start += len;
    }
    memmove(sv->in, sv->in + start, sv->in_len - start);
    sv->in_len -= start;
    if (k == 0)
        sv->in_open = 0;
    return GO_ON;
}

static enum step server_wait(struct server *sv, struct pollfd *slot, struct nb_err *e)
{
    char w[NB_DURATION_TEXT_MAX];
    int r;

    slot[SPOLL_STDIN].fd = sv->in_open && sv->have_last ? sv->o->in_fd : -1;
    slot[SPOLL_NETIN].fd = sv->fd;
    for (int i = 0; i < SPOLL_SLOTS; i++) {
        slot[i].events = POLLIN;
        slot[i].revents = 0;
    }
    r = nb_sock_poll(slot, SPOLL_SLOTS, &sv->idle, sv->o->stop, e);
    if (r < 0)
        return FAILED;
    if (r > 0)
        return GO_ON;
    if (sv->o->stop && *sv->o->stop)
        return STOPPED;
    nb_explainf(sv->o->x,
                "no datagram for %s — nobody hangs up on a UDP server: silence is all it "
                "ever hears at the end (--idle-timeout)",
                nb_duration_format(sv->o->idle_ms, w, sizeof w));
    return DONE;
}

/* The loop: wait, then each phase in turn - the datagrams, then stdin in raw
 * mode - until a "bye", the idle limit, the stop flag or an error. */
static enum step server_run(struct server *sv, struct nb_err *e)
{
    struct pollfd slot[SPOLL_SLOTS];

    nb_deadline_init(&sv->idle, sv->o->idle_ms);
    for (;;) {
        enum step r = server_wait(sv, slot, e);
        if (r == GO_ON && slot[SPOLL_NETIN].revents)
            r = sv->o->mode == NB_UDP_SINK ? sink_datagrams(sv, e) : take_datagrams(sv, e);
        if (r == GO_ON)
            r = raw_stdin(sv, slot, e);
        if (r != GO_ON)
            return r;
    }
}

int nb_udp_serve(int fd, const struct nb_udp_serve_opts *o, const struct nb_udp_serve_events *ev,
                 struct nb_udp_serve_stats *st, struct nb_err *e)
{
    struct server sv = {.fd = fd, .o = o, .ev = ev, .st = st};
    unsigned max = o->max_senders ? o->max_senders : 1;
    enum step r = FAILED;
    int raw = o->mode == NB_UDP_RAW;

    memset(st, 0, sizeof *st);
    sv.in_open = raw && o->in_fd >= 0;
    sv.senders = calloc(max, sizeof *sv.senders);
    sv.buf = malloc(o->mode == NB_UDP_SINK ? (size_t)SINK_EACH * SINK_BATCH : DGRAM_BUF);
    sv.reply = o->mode == NB_UDP_ECHO ? malloc(REPLY_MAX) : NULL;
    sv.batch = o->mode == NB_UDP_SINK ? calloc(SINK_BATCH, sizeof *sv.batch) : NULL;
    sv.in = raw ? malloc(REPLY_MAX) : NULL;
    if (!sv.senders || !sv.buf || (o->mode == NB_UDP_ECHO && !sv.reply) ||
        (o->mode == NB_UDP_SINK && !sv.batch) || (raw && !sv.in)) {
        nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate buffers");
    } else {
        struct nb_udp_serve_opts capped = *o;
        capped.max_senders = max;
        sv.o = &capped;
        r = server_run(&sv, e);
        sv.o = o;
    }
    for (unsigned i = 0; ev->tally && i < st->senders; i++)
        ev->tally(ev->ctx, &sv.senders[i]);
    free(sv.senders);
    free(sv.buf);
    free(sv.reply);
    free(sv.batch);
    free(sv.in);
    return step_result(r);
}
