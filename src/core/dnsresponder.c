/* dnsresponder.c - the tour's own UDP name server: it knows the lesson's
 * example (gnomon.securitystandard.org, a CNAME to hermes, and its address)
 * and answers NXDOMAIN to every other name, its replies built over the DNS
 * codec (RFC 1035 4.1). */
#include <netbasics/dns.h>
#include <netbasics/dnsresponder.h>
#include <netbasics/sock.h>
#include <netbasics/spawn.h>

#include <string.h>
#include <unistd.h>

#define TTL 300

/* The names it knows: each either an alias (CNAME) of another, or an address. */
static const struct {
    const char *name, *cname;
    uint8_t a[4];
} ZONE[] = {
    {"gnomon.securitystandard.org.", "hermes.securitystandard.org.", {0}},
    {"hermes.securitystandard.org.", NULL, {185, 172, 165, 184}},
};
#define NZONE (sizeof ZONE / sizeof ZONE[0])

static size_t zone_find(const char *name)
{
    size_t i = 0;

    while (i < NZONE && !nb_dns_name_eq(name, ZONE[i].name))
        i++;
    return i;
}

/* Appends one record at out[*n]: owner as a pointer to offset owner, then
 * type, class IN, TTL, and the data. Returns 0, or -1 when it does not fit. */
static int put_rr(uint8_t *out, size_t cap, size_t *n, size_t owner, uint16_t type,
                  const uint8_t *data, size_t dlen)
{
    uint8_t *p = out + *n;

    if (*n + 12 + dlen > cap)
        return -1;
    p[0] = (uint8_t)(0xc0 | owner >> 8);
    p[1] = (uint8_t)owner;
    p[2] = (uint8_t)(type >> 8);
    p[3] = (uint8_t)type;
    p[4] = 0;
    p[5] = 1; /* IN */
    p[6] = 0;
    p[7] = 0;
    p[8] = TTL >> 8;
    p[9] = TTL & 0xff;
    p[10] = (uint8_t)(dlen >> 8);
    p[11] = (uint8_t)dlen;
    memcpy(p + 12, data, dlen);
    *n += 12 + dlen;
    return 0;
}

size_t nb_dns_tour_reply(const uint8_t *q, size_t qlen, uint8_t *out, size_t cap)
{
    size_t n = nb_dns_nxdomain(q, qlen, out, cap), owner = 12, at;
    struct nb_dns_msg m = {0};
    unsigned count = 0;
    int asked;

    if (n == 0 || nb_dns_parse(q, qlen, &m, NULL) < 0 || !m.has_question || m.qclass != 1) {
        nb_dns_msg_free(&m);
        return n;
    }
    at = zone_find(m.qname);
    if (at == NZONE) {
        nb_dns_msg_free(&m);
        return n; /* a name it does not know: NXDOMAIN */
    }
    out[2] |= 0x04;      /* AA: it is the authority for what it knows */
    out[3] &= 0xf0;      /* NOERROR */
    while (at < NZONE) { /* follow the chain as a real server does */
        if (ZONE[at].cname) {
            uint8_t wire[256];
            size_t wlen;
            if (nb_dns_name_to_wire(ZONE[at].cname, wire, sizeof wire, &wlen, NULL) < 0 ||
                put_rr(out, cap, &n, owner, NB_DNS_CNAME, wire, wlen) < 0)
                break;
            count++;
            owner = n - wlen; /* the next record's owner is this one's target */
            if (m.qtype == NB_DNS_CNAME)
                break;
            at = zone_find(ZONE[at].cname);
            continue;
        }
        asked = m.qtype == NB_DNS_A || m.qtype == NB_DNS_ANY;
        if (asked && put_rr(out, cap, &n, owner, NB_DNS_A, ZONE[at].a, 4) == 0)
            count++;
        break; /* any other type: the name has no such record (NOERROR, no data) */
    }
    out[6] = (uint8_t)(count >> 8);
    out[7] = (uint8_t)count;
    nb_dns_msg_free(&m);
    return n;
}

int nb_dns_answer_tour(int fd, unsigned max_queries, int64_t max_ms, struct nb_err *e)
{
    int64_t end = nb_now_ms() + max_ms;
    struct nb_err le;

    for (unsigned i = 0; i < max_queries && nb_now_ms() < end; i++) {
        uint8_t q[512], r[512];
        struct nb_sockaddr peer;
        int64_t left = end - nb_now_ms();
        ssize_t n = nb_sock_recvfrom(fd, q, sizeof q, left > 0 ? left : 0, &peer, &le);
        size_t rl;
        if (n < 0 && le.code == NB_E_TIMEOUT)
            return 0; /* its time is up */
        if (n < 0) {
            if (e)
                *e = le;
            return -1;
        }
        rl = nb_dns_tour_reply(q, (size_t)n, r, sizeof r);
        if (rl)
            nb_sock_sendto(fd, r, rl, &peer, &le); /* a lost reply is the asker's to retry */
    }
    return 0;
}

/* What the child runs. */
struct serve_args {
    int fd;
    unsigned max_queries;
    int64_t max_ms;
};

static int serve(void *arg)
{
    const struct serve_args *a = arg;

    return nb_dns_answer_tour(a->fd, a->max_queries, a->max_ms, NULL) < 0;
}

int nb_dns_responder_start(struct nb_dns_responder *r, const struct nb_addr *addr,
                           unsigned max_queries, int64_t max_ms, struct nb_err *e)
{
    struct nb_sockaddr sa, local;
    struct serve_args a = {.fd = -1, .max_queries = max_queries, .max_ms = max_ms};
    int rc;

    r->pid = 0;
    r->port = 0;
    if (nb_sockaddr_from_addr(addr, 0, &sa, e) < 0 || (a.fd = nb_sock_udp_bind(&sa, NULL, e)) < 0)
        return -1;
    rc = nb_sock_local(a.fd, &local, e);
    if (rc == 0)
        rc = nb_spawn_fn(serve, &a, &r->pid, e);
    nb_sock_close(a.fd, NULL); /* the child has its own copy */
    if (rc < 0)
        return -1;
    r->port = nb_sockaddr_port(&local);
    return 0;
}

int nb_dns_responder_stop(struct nb_dns_responder *r, struct nb_err *e)
{
    int rc;

    if (r->pid <= 0)
        return 0;
    rc = nb_spawn_stop(r->pid, 2000, e);
    r->pid = 0;
    return rc < 0 ? -1 : 0;
}
