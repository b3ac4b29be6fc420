/* dnsclient.h - the DNS transport (RFC 1035 4.2, RFC 7766): UDP with a per-try
 * timeout and retries over the servers, TCP when the reply is truncated or
 * asked for, replies accepted only from the server asked with the right id
 * and question. */
#ifndef NETBASICS_DNSCLIENT_H
#define NETBASICS_DNSCLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>
#include <netbasics/out.h>
#include <netbasics/sock.h>

#define NB_DNS_REPLY_MAX 65535 /* the largest message TCP's 2-byte length allows */

struct nb_dns_client_opts {
    int64_t timeout_ms; /* each try's wait */
    unsigned attempts;  /* rounds over all the servers, at least 1 */
    int tcp;            /* TCP only (--tcp) */
    const struct nb_explain *x;
};

struct nb_dns_exchange_info {
    size_t server;     /* index of the server whose reply this is */
    int truncated;     /* the reply had TC set even over TCP */
    unsigned rejected; /* the last SERVFAIL, REFUSED or NOTIMP a server answered, or 0 */
};

/* Sends query q[0..qlen) and fills reply (cap at least NB_DNS_REPLY_MAX) with
 * the first acceptable reply: one from the server asked, with the query's id
 * and question (others are ignored and the wait goes on). A truncated UDP
 * reply is asked again over TCP; SERVFAIL, REFUSED and NOTIMP move on to the
 * next server, as glibc's res_send does. Returns 0 and sets *rlen and *info,
 * or -1 with e set: NB_E_TIMEOUT when no server answered in time,
 * NB_E_RESOLVE when every server refused, failed or could not be reached
 * (info->rejected then holds the last such rcode, if any), NB_E_PROTO when a
 * TCP reply was cut off. */
int nb_dns_exchange(const struct nb_sockaddr *servers, size_t nservers, const uint8_t *q,
                    size_t qlen, const struct nb_dns_client_opts *o, uint8_t *reply, size_t cap,
                    size_t *rlen, struct nb_dns_exchange_info *info, struct nb_err *e);

/* --- many queries in flight: the multiplexer ------------------------------ */

#define NB_DNS_MUX_MAX   10000 /* queries a multiplexer keeps in flight at most */
#define NB_DNS_MUX_SOCKS 4     /* UDP sockets per server, each with its own source port */
#define NB_DNS_QUERY_MAX 512   /* the longest query the multiplexer sends */

/* Many queries at once over one event loop: NB_DNS_MUX_SOCKS UDP sockets per
 * server (opened when first needed), a distinct random id per query in flight
 * (never reused while that query waits), each reply matched by socket (so by
 * server), id and question as nb_dns_exchange does; per-query timeouts,
 * rounds over the servers, SERVFAIL/REFUSED/NOTIMP to the next server and a
 * truncated reply asked again over TCP for that query alone, one TCP
 * exchange at a time. */
struct nb_dns_mux;

/* What the multiplexer has done so far, for --explain's summaries. */
struct nb_dns_mux_stats {
    size_t inflight, waiting;             /* queries sent and awaited; queries due to be sent */
    unsigned long sent, answered, failed; /* datagrams sent; queries that ended, each way */
    unsigned long timeouts, rejected, tcp, ignored; /* tries that timed out; SERVFAIL,
                                                     * REFUSED or NOTIMP; asked again over TCP;
                                                     * datagrams that matched no query */
    unsigned long per_server[4]; /* datagrams sent to each of the first 4 servers */
};

/* Called once per query the multiplexer is done with: rc 0 with the reply
 * reply[0..rlen) (valid during the call only) and info, or -1 with e set as
 * nb_dns_exchange sets it. The callback may add queries (nb_dns_mux_send). */
struct nb_dns_mux_done {
    void (*fn)(void *arg, void *token, int rc, const uint8_t *reply, size_t rlen,
               const struct nb_dns_exchange_info *info, const struct nb_err *e);
    void *arg;
};

/* A multiplexer for up to max queries (1 to NB_DNS_MUX_MAX) at once over
 * servers[0..nservers) (which must outlive it), with o's timeout and rounds
 * (o->tcp is not for the multiplexer: use nb_dns_exchange). rate > 0 caps the
 * datagrams sent per second (retries included). x, if not NULL, gets a
 * summary line at most once a second, never one per packet. Returns it, or
 * NULL with e set (NB_E_SYS, NB_E_INVALID). */
struct nb_dns_mux *nb_dns_mux_new(const struct nb_sockaddr *servers, size_t nservers,
                                  const struct nb_dns_client_opts *o, size_t max, double rate,
                                  const struct nb_explain *x, struct nb_err *e);

/* Room for this many more queries. */
size_t nb_dns_mux_room(const struct nb_dns_mux *m);

/* Queues query q[0..qlen) (its id is replaced) to be sent as soon as the
 * rate allows; token comes back in the done callback. Returns 0, or -1 with
 * e set to NB_E_INVALID when there is no room or the query is too long. */
int nb_dns_mux_send(struct nb_dns_mux *m, const uint8_t *q, size_t qlen, void *token,
                    struct nb_err *e);

/* Sends what is due, waits up to wait_ms (-1: as long as a query needs) for
 * replies or a timeout, and calls done->fn for each query that ended. Returns
 * at once when no query is queued or in flight. Returns 0, or -1 with e set
 * when the wait itself failed (NB_E_SYS). */
int nb_dns_mux_run(struct nb_dns_mux *m, int64_t wait_ms, const struct nb_dns_mux_done *done,
                   struct nb_err *e);

void nb_dns_mux_stats(const struct nb_dns_mux *m, struct nb_dns_mux_stats *out);

/* Closes the sockets and frees m (NULL: nothing); queries still in flight are
 * dropped without a callback. */
void nb_dns_mux_free(struct nb_dns_mux *m);

#endif
