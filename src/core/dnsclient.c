/* dnsclient.c - the DNS transport: UDP with retries, TCP fallback (RFC 7766). */
#include <netbasics/dns.h>
#include <netbasics/dnsclient.h>

#include <stdio.h>
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
    nb_explainf(o->x, "send(%d, 2-byte length %zu + the query) — over TCP a message starts with "
                      "its length", fd, qlen);
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
    nb_explainf(o->x, "recv(%d) = 2-byte length %zu + the reply — over TCP the reply, too, "
                      "starts with its length", fd, want);
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
            nb_explainf(o->x, "recv(%d) = %zd bytes, ignored — not a reply to our question "
                              "(wrong id, QR clear, or another question); still waiting", fd, n);
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

int nb_dns_exchange(const struct nb_sockaddr *servers, size_t nservers, const uint8_t *q,
                    size_t qlen, const struct nb_dns_client_opts *o, uint8_t *reply, size_t cap,
                    size_t *rlen, struct nb_dns_exchange_info *info, struct nb_err *e)
{
    unsigned attempts = o->attempts ? o->attempts : 1;
    char at[NB_SOCKADDR_TEXT_MAX], why[NB_ERR_MSG_MAX + NB_SOCKADDR_TEXT_MAX + 4] = "";
    char wait[NB_DURATION_TEXT_MAX];
    int others = 0;

    memset(info, 0, sizeof *info);
    if (nservers == 0)
        return nb_err_set(e, NB_E_RESOLVE, "no name server to ask");
    for (unsigned a = 0; a < attempts; a++) {
        for (size_t i = 0; i < nservers; i++) {
            enum outcome out;
            int via_tcp = o->tcp;
            struct nb_dns_header h;

            nb_sockaddr_format(&servers[i], at, sizeof at);
            info->server = i;
            out = o->tcp ? try_tcp(&servers[i], q, qlen, o, reply, cap, rlen, e)
                         : try_udp(&servers[i], q, qlen, o, reply, cap, rlen, e);
            if (out == GOT && !o->tcp && nb_dns_header_parse(reply, *rlen, &h, NULL) == 0 &&
                h.tc) {
                nb_explainf(o->x, "the reply has TC set: it was truncated to fit UDP, so ask "
                                  "again over TCP");
                via_tcp = 1;
                out = try_tcp(&servers[i], q, qlen, o, reply, cap, rlen, e);
            }
            if (out == GOT) {
                int parsed = nb_dns_header_parse(reply, *rlen, &h, NULL) == 0;
                unsigned rcode = parsed ? h.rcode : 0;
                info->truncated = via_tcp && parsed && h.tc;
                if (rcode == NB_DNS_SERVFAIL || rcode == NB_DNS_REFUSED ||
                    rcode == NB_DNS_NOTIMP) {
                    char rname[16];
                    snprintf(why, sizeof why, "%s answered %s", at,
                             nb_dns_rcode_name(rcode, rname, sizeof rname));
                    nb_explainf(o->x, "%s — try the next server", why);
                    info->rejected = rcode;
                    others++;
                    continue;
                }
                return 0;
            }
            if (out == TIMEOUT) {
                snprintf(why, sizeof why, "%s did not answer within %s", at,
                         nb_duration_format(o->timeout_ms, wait, sizeof wait));
            } else {
                others++;
                snprintf(why, sizeof why, "%s: %s", at, e->msg);
            }
            nb_explainf(o->x, "%s — try the next server", why);
        }
    }
    if (others == 0)
        return nb_err_set(e, NB_E_TIMEOUT, "no answer from any name server (%zu tried, %u "
                                           "rounds): %.160s", nservers, attempts, why);
    if (e->code == NB_E_PROTO && nservers == 1)
        return -1;
    return nb_err_set(e, NB_E_RESOLVE, "no name server answered usefully: %.200s", why);
}
