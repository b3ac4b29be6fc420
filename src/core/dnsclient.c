/* dnsclient.c - the DNS transport: UDP with retries, TCP fallback (RFC 7766). */
#include <netbasics/dns.h>
#include <netbasics/dnsclient.h>

#include <netbasics/clock.h>
#include <netbasics/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What happened on one try at one server. */
enum outcome { GOT, TIMEOUT, UNREACHABLE, BROKEN };

/* The outcome of a failed read or write of the TCP exchange. */
static enum outcome tcp_failed(struct nb_stream *s, struct nb_err *e)
{
    nb_stream_close(s);
    return e->code == NB_E_TIMEOUT ? TIMEOUT : UNREACHABLE;
}

/* Reads exactly n bytes within d; 0, 1 when the stream ended first, -1 e set. */
static int read_exact(struct nb_stream *s, uint8_t *dst, size_t n, const struct nb_deadline *d,
                      size_t *have, struct nb_err *e)
{
    for (*have = 0; *have < n;) {
        ssize_t k = nb_stream_read(s, dst + *have, n - *have, nb_deadline_left(d), e);
        if (k < 0)
            return -1;
        if (k == 0)
            return 1;
        *have += (size_t)k;
    }
    return 0;
}

static enum outcome try_tcp(const struct nb_sockaddr *sa, const uint8_t *q, size_t qlen,
                            const struct nb_dns_client_opts *o, uint8_t *reply, size_t cap,
                            size_t *rlen, struct nb_err *e)
{
    uint8_t lenbuf[2] = {(uint8_t)(qlen >> 8), (uint8_t)qlen};
    size_t want = 2, have;
    struct nb_deadline d;
    struct nb_stream s;
    int fd = nb_sock_connect(sa, 1, o->timeout_ms, o->x, e), r;

    if (fd < 0)
        return e->code == NB_E_TIMEOUT ? TIMEOUT : UNREACHABLE;
    nb_sock_stream(&s, fd, o->x);
    nb_deadline_init(&d, o->timeout_ms);
    if (nb_stream_write_all(&s, lenbuf, 2, o->timeout_ms, e) < 0 ||
        nb_stream_write_all(&s, q, qlen, o->timeout_ms, e) < 0)
        return tcp_failed(&s, e);
    nb_explainf(o->x,
                "send(%d, 2-byte length %zu + the query) — over TCP a message starts with "
                "its length",
                fd, qlen);
    /* the 2-byte length, then exactly that many bytes */
    r = read_exact(&s, lenbuf, 2, &d, &have, e);
    if (r == 0) {
        want = (size_t)lenbuf[0] << 8 | lenbuf[1];
        if (want == 0 || want > cap) {
            nb_err_set(e, NB_E_PROTO, "the TCP reply says it is %zu bytes long", want);
            nb_stream_close(&s);
            return BROKEN;
        }
        r = read_exact(&s, reply, want, &d, &have, e);
    }
    if (r < 0)
        return tcp_failed(&s, e);
    if (r > 0) {
        nb_err_set(e, NB_E_PROTO, "the TCP reply ended after %zu of %zu bytes", have, want);
        nb_stream_close(&s);
        return BROKEN;
    }
    nb_explainf(o->x,
                "recv(%d) = 2-byte length %zu + the reply — over TCP the reply, too, "
                "starts with its length",
                fd, want);
    nb_stream_close(&s);
    *rlen = want;
    if (!nb_dns_matches(q, qlen, reply, want)) {
        nb_err_set(e, NB_E_PROTO, "the TCP reply does not answer the question asked");
        return BROKEN;
    }
    return GOT;
}

static enum outcome try_udp(const struct nb_sockaddr *sa, const uint8_t *q, size_t qlen,
                            const struct nb_dns_client_opts *o, uint8_t *reply, size_t cap,
                            size_t *rlen, struct nb_err *e)
{
    struct nb_deadline d;
    int fd = nb_sock_udp_connect(sa, o->x, e);

    if (fd < 0)
        return UNREACHABLE;
    if (nb_sock_sendto(fd, q, qlen, NULL, e) < 0) {
        nb_sock_close(fd, o->x);
        return UNREACHABLE;
    }
    nb_explainf(o->x, "send(%d, %zu bytes) — the question goes out in one UDP datagram", fd, qlen);
    nb_deadline_init(&d, o->timeout_ms);
    for (;;) {
        ssize_t n = nb_sock_recvfrom(fd, reply, cap, nb_deadline_left(&d), NULL, e);
        if (n < 0) {
            nb_sock_close(fd, o->x);
            if (e->code == NB_E_TIMEOUT)
                return TIMEOUT;
            return UNREACHABLE; /* ECONNREFUSED: nothing listens on that port */
        }
        if (!nb_dns_matches(q, qlen, reply, (size_t)n)) {
            nb_explainf(o->x,
                        "recv(%d) = %zd bytes, ignored — not a reply to our question "
                        "(wrong id, QR clear, or another question); still waiting",
                        fd, n);
            if (nb_deadline_passed(&d)) {
                nb_sock_close(fd, o->x);
                nb_err_set(e, NB_E_TIMEOUT, "no matching reply");
                return TIMEOUT;
            }
            continue;
        }
        nb_explainf(o->x, "recv(%d) = %zd bytes — the reply", fd, n);
        nb_sock_close(fd, o->x);
        *rlen = (size_t)n;
        return GOT;
    }
}

/* Where one query stands in its rounds over the servers: nb_dns_exchange
 * keeps one on its stack, the multiplexer one per query in flight. */
struct tries {
    unsigned attempts, a; /* the rounds, and the round at hand */
    size_t i;             /* the server at hand */
    int others;           /* tries that ended other than by a timeout */
    char why[NB_ERR_MSG_MAX + NB_SOCKADDR_TEXT_MAX + 4]; /* the last failure, in words */
};

static void tries_init(struct tries *t, const struct nb_dns_client_opts *o)
{
    memset(t, 0, sizeof *t);
    t->attempts = o->attempts ? o->attempts : 1;
}

/* A UDP reply with TC set was cut to fit: that query alone is asked again over TCP. */
static enum outcome tcp_if_truncated(const struct nb_sockaddr *sa, enum outcome out, int *via_tcp,
                                     const uint8_t *q, size_t qlen,
                                     const struct nb_dns_client_opts *o, uint8_t *reply, size_t cap,
                                     size_t *rlen, struct nb_err *e)
{
    struct nb_dns_header h;

    if (out != GOT || *via_tcp || nb_dns_header_parse(reply, *rlen, &h, NULL) < 0 || !h.tc)
        return out;
    nb_explainf(o->x, "the reply has TC set: it was truncated to fit UDP, so ask again over TCP");
    *via_tcp = 1;
    return try_tcp(sa, q, qlen, o, reply, cap, rlen, e);
}

/* Judges one try at server t->i: returns 0 when reply[0..rlen) stands (info
 * set), 1 when the next try is due (t->i and t->a moved on), or -1 with e set
 * when no try is left: NB_E_TIMEOUT, NB_E_RESOLVE or NB_E_PROTO as
 * nb_dns_exchange says. */
static int tries_judge(struct tries *t, const struct nb_sockaddr *servers, size_t nservers,
                       enum outcome out, int via_tcp, const uint8_t *reply, size_t rlen,
                       const struct nb_dns_client_opts *o, struct nb_dns_exchange_info *info,
                       struct nb_err *e)
{
    char at[NB_SOCKADDR_TEXT_MAX], wait[NB_DURATION_TEXT_MAX];

    nb_sockaddr_format(&servers[t->i], at, sizeof at);
    info->server = t->i;
    if (out == GOT) {
        struct nb_dns_header h;
        int parsed = nb_dns_header_parse(reply, rlen, &h, NULL) == 0;
        unsigned rcode = parsed ? h.rcode : 0;
        info->truncated = via_tcp && parsed && h.tc;
        if (rcode != NB_DNS_SERVFAIL && rcode != NB_DNS_REFUSED && rcode != NB_DNS_NOTIMP)
            return 0;
        char rname[16];
        snprintf(t->why, sizeof t->why, "%s answered %s", at,
                 nb_dns_rcode_name(rcode, rname, sizeof rname));
        info->rejected = rcode;
        t->others++;
    } else if (out == TIMEOUT) {
        snprintf(t->why, sizeof t->why, "%s did not answer within %s", at,
                 nb_duration_format(o->timeout_ms, wait, sizeof wait));
    } else {
        t->others++;
        snprintf(t->why, sizeof t->why, "%s: %s", at, e->msg);
    }
    nb_explainf(o->x, "%s — try the next server", t->why);
    if (++t->i == nservers) {
        t->i = 0;
        t->a++;
    }
    if (t->a < t->attempts)
        return 1;
    if (t->others == 0)
        return nb_err_set(e, NB_E_TIMEOUT,
                          "no answer from any name server (%zu tried, %u "
                          "rounds): %.160s",
                          nservers, t->attempts, t->why);
    if (e->code == NB_E_PROTO && nservers == 1)
        return -1;
    return nb_err_set(e, NB_E_RESOLVE, "no name server answered usefully: %.200s", t->why);
}

int nb_dns_exchange(const struct nb_sockaddr *servers, size_t nservers, const uint8_t *q,
                    size_t qlen, const struct nb_dns_client_opts *o, uint8_t *reply, size_t cap,
                    size_t *rlen, struct nb_dns_exchange_info *info, struct nb_err *e)
{
    struct tries t;
    int r;

    memset(info, 0, sizeof *info);
    *rlen = 0;
    if (nservers == 0)
        return nb_err_set(e, NB_E_RESOLVE, "no name server to ask");
    tries_init(&t, o);
    do {
        const struct nb_sockaddr *sa = &servers[t.i];
        int via_tcp = o->tcp;
        enum outcome out = o->tcp ? try_tcp(sa, q, qlen, o, reply, cap, rlen, e)
                                  : try_udp(sa, q, qlen, o, reply, cap, rlen, e);
        out = tcp_if_truncated(sa, out, &via_tcp, q, qlen, o, reply, cap, rlen, e);
        r = tries_judge(&t, servers, nservers, out, via_tcp, reply, *rlen, o, info, e);
    } while (r > 0);
    return r;
}

/* --- the multiplexer ------------------------------------------------------ */

#define NIL UINT32_MAX

enum where { FREE, WAITING, FLIGHT };

/* One query in the multiplexer. */
struct mq {
    uint8_t q[NB_DNS_QUERY_MAX];
    size_t qlen;
    void *token;
    struct tries t;
    struct nb_dns_exchange_info info;
    int64_t deadline; /* FLIGHT: when its try times out */
    size_t sock;      /* FLIGHT: the index in m->fd it was sent on */
    uint16_t id;
    enum where where;
    uint32_t prev, next; /* in the list its where names */
};

/* A list of queries by index; FLIGHT's is in the order of the deadlines, as every try
 * waits the same time. */
struct mlist {
    uint32_t head, tail;
    size_t n;
};

struct nb_dns_mux {
    const struct nb_sockaddr *servers;
    size_t nservers;
    struct nb_dns_client_opts o; /* with x NULL: no narration per packet */
    const struct nb_explain *x;  /* the summaries */
    struct mq *q;
    uint32_t max;
    struct pollfd *pfd;    /* one per open socket */
    size_t *which;         /* the index in fd of each pfd */
    uint16_t *owner;       /* by id: 1 + the index of the query in flight with that id, or 0 */
    int *fd;               /* NB_DNS_MUX_SOCKS per server, -1 until opened */
    size_t *turn;          /* per server: the socket the next query goes out on */
    struct mlist lists[3]; /* FREE, WAITING, FLIGHT */
    double rate, allowed_at;
    int64_t said_at;
    struct nb_dns_mux_stats st;
    uint8_t buf[NB_DNS_REPLY_MAX];
};

static void list_remove(struct nb_dns_mux *m, uint32_t k)
{
    struct mq *q = &m->q[k];
    struct mlist *l = &m->lists[q->where];

    if (q->prev != NIL)
        m->q[q->prev].next = q->next;
    else
        l->head = q->next;
    if (q->next != NIL)
        m->q[q->next].prev = q->prev;
    else
        l->tail = q->prev;
    l->n--;
}

static void list_append(struct nb_dns_mux *m, uint32_t k, enum where w)
{
    struct mq *q = &m->q[k];
    struct mlist *l = &m->lists[w];

    q->where = w;
    q->next = NIL;
    q->prev = l->tail;
    if (l->tail != NIL)
        m->q[l->tail].next = k;
    else
        l->head = k;
    l->tail = k;
    l->n++;
}

static void list_move(struct nb_dns_mux *m, uint32_t k, enum where w)
{
    list_remove(m, k);
    list_append(m, k, w);
}

struct nb_dns_mux *nb_dns_mux_new(const struct nb_sockaddr *servers, size_t nservers,
                                  const struct nb_dns_client_opts *o, size_t max, double rate,
                                  const struct nb_explain *x, struct nb_err *e)
{
    struct nb_dns_mux *m;

    if (nservers == 0 || max == 0 || max > NB_DNS_MUX_MAX) {
        nb_err_set(e, NB_E_INVALID, nservers ? "from 1 to %d queries at once" : "no name server",
                   NB_DNS_MUX_MAX);
        return NULL;
    }
    m = calloc(1, sizeof *m);
    if (!m || !(m->q = calloc(max, sizeof *m->q)) ||
        !(m->owner = calloc(65536, sizeof *m->owner)) ||
        !(m->fd = malloc(nservers * NB_DNS_MUX_SOCKS * sizeof *m->fd)) ||
        !(m->turn = calloc(nservers, sizeof *m->turn)) ||
        !(m->pfd = calloc(nservers * NB_DNS_MUX_SOCKS, sizeof *m->pfd)) ||
        !(m->which = calloc(nservers * NB_DNS_MUX_SOCKS, sizeof *m->which))) {
        nb_dns_mux_free(m);
        nb_err_set(e, NB_E_SYS, "out of memory");
        return NULL;
    }
    m->servers = servers;
    m->nservers = nservers;
    m->o = *o;
    m->o.x = NULL;
    m->x = x;
    m->max = (uint32_t)max;
    m->rate = rate;
    m->said_at = nb_now_ms();
    for (size_t i = 0; i < nservers * NB_DNS_MUX_SOCKS; i++)
        m->fd[i] = -1;
    for (int w = FREE; w <= FLIGHT; w++)
        m->lists[w] = (struct mlist){NIL, NIL, 0};
    for (uint32_t k = 0; k < m->max; k++)
        list_append(m, k, FREE);
    return m;
}

void nb_dns_mux_free(struct nb_dns_mux *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->fd && i < m->nservers * NB_DNS_MUX_SOCKS; i++)
        nb_sock_close(m->fd[i], NULL);
    free(m->q);
    free(m->owner);
    free(m->fd);
    free(m->turn);
    free(m->pfd);
    free(m->which);
    free(m);
}

size_t nb_dns_mux_room(const struct nb_dns_mux *m)
{
    return m->lists[FREE].n;
}

void nb_dns_mux_stats(const struct nb_dns_mux *m, struct nb_dns_mux_stats *out)
{
    *out = m->st;
    out->inflight = m->lists[FLIGHT].n;
    out->waiting = m->lists[WAITING].n;
}

int nb_dns_mux_send(struct nb_dns_mux *m, const uint8_t *q, size_t qlen, void *token,
                    struct nb_err *e)
{
    uint32_t k = m->lists[FREE].head;

    if (k == NIL)
        return nb_err_set(e, NB_E_INVALID, "%u queries are already in flight", m->max);
    if (qlen > NB_DNS_QUERY_MAX || qlen < 12)
        return nb_err_set(e, NB_E_INVALID, "a query of %zu bytes", qlen);
    memcpy(m->q[k].q, q, qlen);
    m->q[k].qlen = qlen;
    m->q[k].token = token;
    memset(&m->q[k].info, 0, sizeof m->q[k].info);
    tries_init(&m->q[k].t, &m->o);
    list_move(m, k, WAITING);
    return 0;
}

/* The summary of the window for --explain, at most once a second (and when force). */
static void mux_say(struct nb_dns_mux *m, int force)
{
    char per[160] = "", at[NB_SOCKADDR_TEXT_MAX];
    size_t used = 0;
    int64_t now;

    if (!nb_explaining(m->x) || (!force && (now = nb_now_ms()) - m->said_at < 1000))
        return;
    m->said_at = nb_now_ms();
    for (size_t i = 0; i < m->nservers && i < 4 && used < sizeof per - 1; i++) {
        int k = snprintf(per + used, sizeof per - used, "%s%s %lu", i ? ", " : "",
                         nb_sockaddr_format(&m->servers[i], at, sizeof at), m->st.per_server[i]);
        used += k > 0 ? (size_t)k : 0;
    }
    nb_explainf(m->x,
                "%zu queries in flight, %zu due; so far %lu answered, %lu failed, %lu tries "
                "timed out, %lu SERVFAIL/REFUSED/NOTIMP, %lu asked again over TCP, %lu stray "
                "replies ignored; datagrams sent per server: %s",
                m->lists[FLIGHT].n, m->lists[WAITING].n, m->st.answered, m->st.failed,
                m->st.timeouts, m->st.rejected, m->st.tcp, m->st.ignored, per);
}

/* The outcome of query k's try: done, or queued for its next try. */
static void mux_judge(struct nb_dns_mux *m, uint32_t k, enum outcome out, size_t rlen,
                      const struct nb_dns_mux_done *done, struct nb_err *e)
{
    struct mq *q = &m->q[k];
    int via_tcp = 0, r;

    if (q->where == FLIGHT)
        m->owner[q->id] = 0;
    out = tcp_if_truncated(&m->servers[q->t.i], out, &via_tcp, q->q, q->qlen, &m->o, m->buf,
                           sizeof m->buf, &rlen, e);
    m->st.tcp += (unsigned long)via_tcp;
    if (out == TIMEOUT)
        m->st.timeouts++;
    r = tries_judge(&q->t, m->servers, m->nservers, out, via_tcp, m->buf, rlen, &m->o, &q->info, e);
    if (out == GOT && q->info.rejected && r != 0)
        m->st.rejected++;
    if (r > 0) {
        list_move(m, k, WAITING);
        return;
    }
    list_move(m, k, FREE);
    if (r == 0)
        m->st.answered++;
    else
        m->st.failed++;
    done->fn(done->arg, q->token, r, r == 0 ? m->buf : NULL, r == 0 ? rlen : 0, &q->info, e);
}

/* Sends query k's next try now (or judges it unreachable). */
static void mux_send_one(struct nb_dns_mux *m, uint32_t k, const struct nb_dns_mux_done *done)
{
    struct mq *q = &m->q[k];
    size_t srv = q->t.i, s = srv * NB_DNS_MUX_SOCKS + m->turn[srv]++ % NB_DNS_MUX_SOCKS;
    struct nb_err e = {0};
    int r;

    if (m->fd[s] < 0 && (m->fd[s] = nb_sock_udp_connect(&m->servers[srv], NULL, &e)) < 0) {
        mux_judge(m, k, UNREACHABLE, 0, done, &e);
        return;
    }
    do
        q->id = nb_random_u16();
    while (m->owner[q->id]);
    q->q[0] = (uint8_t)(q->id >> 8);
    q->q[1] = (uint8_t)q->id;
    r = nb_sock_send_now(m->fd[s], q->q, q->qlen, &e);
    if (r == -1) {
        mux_judge(m, k, UNREACHABLE, 0, done, &e);
        return;
    }
    /* a full socket buffer (NB_SOCK_AGAIN) loses the datagram as the network could: the
     * try times out and the next one goes out */
    m->owner[q->id] = (uint16_t)(k + 1);
    q->sock = s;
    q->deadline = nb_now_ms() + m->o.timeout_ms;
    list_move(m, k, FLIGHT);
    m->st.sent++;
    if (srv < 4)
        m->st.per_server[srv]++;
}

/* Sends the queries due, as far as the rate allows; returns how long until the next may go
 * (ms), or -1 when nothing waits. */
static int64_t mux_flush(struct nb_dns_mux *m, const struct nb_dns_mux_done *done)
{
    while (m->lists[WAITING].head != NIL) {
        if (m->rate > 0) {
            double now = (double)nb_now_ms();
            if (m->allowed_at < now - 1)
                m->allowed_at = now - 1;
            if (m->allowed_at > now)
                return (int64_t)(m->allowed_at - now) + 1;
            m->allowed_at += 1000.0 / m->rate;
        }
        mux_send_one(m, m->lists[WAITING].head, done);
    }
    return -1;
}

/* Reads every datagram waiting on socket s; returns how many went over TCP meanwhile. */
static unsigned long mux_read(struct nb_dns_mux *m, size_t s, const struct nb_dns_mux_done *done)
{
    unsigned long tcp = m->st.tcp;

    for (;;) {
        struct nb_err e = {0};
        ssize_t n = nb_sock_recvfrom_now(m->fd[s], m->buf, sizeof m->buf, NULL, &e);
        uint32_t k;
        if (n == NB_SOCK_AGAIN)
            break;
        if (n < 0) {
            /* the server's port is closed (or the socket broke): every query on it moves on */
            for (uint32_t j = m->lists[FLIGHT].head, next; j != NIL; j = next) {
                next = m->q[j].next;
                struct nb_err each = e; /* tries_judge rewrites the error it is given */
                if (m->q[j].sock == s)
                    mux_judge(m, j, UNREACHABLE, 0, done, &each);
            }
            break;
        }
        k = n >= 2 ? m->owner[m->buf[0] << 8 | m->buf[1]] : 0;
        if (k == 0 || m->q[k - 1].sock != s ||
            !nb_dns_matches(m->q[k - 1].q, m->q[k - 1].qlen, m->buf, (size_t)n)) {
            m->st.ignored++;
            continue;
        }
        mux_judge(m, k - 1, GOT, (size_t)n, done, &e);
    }
    return m->st.tcp - tcp;
}

int nb_dns_mux_run(struct nb_dns_mux *m, int64_t wait_ms, const struct nb_dns_mux_done *done,
                   struct nb_err *e)
{
    struct pollfd *pfd = m->pfd;
    size_t *which = m->which, np = 0;
    int64_t wait = mux_flush(m, done), now = nb_now_ms();
    struct nb_deadline d;
    int ready;

    mux_say(m, 0);
    if (m->lists[FLIGHT].head == NIL && m->lists[WAITING].head == NIL)
        return 0;
    if (m->lists[FLIGHT].head != NIL) {
        int64_t left = m->q[m->lists[FLIGHT].head].deadline - now;
        wait = wait < 0 || left < wait ? (left < 0 ? 0 : left) : wait;
    }
    if (wait_ms >= 0 && (wait < 0 || wait_ms < wait))
        wait = wait_ms;
    if (nb_explaining(m->x) && (wait < 0 || wait > 1000))
        wait = 1000;
    for (size_t s = 0; s < m->nservers * NB_DNS_MUX_SOCKS; s++)
        if (m->fd[s] >= 0) {
            pfd[np] = (struct pollfd){.fd = m->fd[s], .events = POLLIN};
            which[np++] = s;
        }
    nb_deadline_init(&d, wait);
    ready = nb_sock_poll(pfd, np, &d, NULL, e);
    if (ready < 0)
        return -1;
    for (unsigned long tcp = ready > 0; tcp;) {
        /* a TCP exchange took time: read again what came meanwhile before judging timeouts */
        tcp = 0;
        for (size_t i = 0; i < np; i++)
            if (pfd[i].revents || tcp)
                tcp += mux_read(m, which[i], done);
        for (size_t i = 0; i < np; i++)
            pfd[i].revents = tcp ? POLLIN : 0;
    }
    now = nb_now_ms();
    while (m->lists[FLIGHT].head != NIL && m->q[m->lists[FLIGHT].head].deadline <= now) {
        struct nb_err te = {0};
        mux_judge(m, m->lists[FLIGHT].head, TIMEOUT, 0, done, &te);
    }
    return 0;
}
