/* dnsresponder.c - a UDP name server answering NXDOMAIN to every query (the
 * tour's own), over the socket layer, its replies built by the DNS codec. */
#include <netbasics/dns.h>
#include <netbasics/dnsresponder.h>
#include <netbasics/sock.h>
#include <netbasics/spawn.h>

#include <unistd.h>

int nb_dns_answer_nxdomain(int fd, unsigned max_queries, int64_t max_ms, struct nb_err *e)
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
        rl = nb_dns_nxdomain(q, (size_t)n, r, sizeof r);
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

    return nb_dns_answer_nxdomain(a->fd, a->max_queries, a->max_ms, NULL) < 0;
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
