/* dnsresponder.h - the tour's own name server, a stand-in for the real one:
 * it knows only the lesson's example (gnomon.securitystandard.org, a CNAME to
 * hermes.securitystandard.org, A 185.172.165.184) and answers NXDOMAIN to
 * every other name, as a real one does for "localhost". The tour asks it so
 * that resolve never reaches the machine's own name server. */
#ifndef NETBASICS_DNSRESPONDER_H
#define NETBASICS_DNSRESPONDER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netbasics/addr.h>
#include <netbasics/err.h>

/* A responder running in a child process. */
struct nb_dns_responder {
    pid_t pid;     /* the child serving, or 0 */
    uint16_t port; /* the UDP port the kernel gave it */
};

/* Writes into out (cap bytes) the reply to the query q[0..qlen): for the
 * lesson's names, NOERROR with the CNAME chain and the address (only the
 * chain for a type other than A; no data for a name without that type);
 * NXDOMAIN for any other name. Returns the reply's length, or 0 when q is no
 * query or the reply does not fit (nothing to send). */
size_t nb_dns_tour_reply(const uint8_t *q, size_t qlen, uint8_t *out, size_t cap);

/* Answers queries on the bound UDP socket fd with nb_dns_tour_reply (a
 * datagram that is not a query is dropped) until max_queries have come or
 * max_ms have passed. Returns 0, or -1 with e set when receiving fails. */
int nb_dns_answer_tour(int fd, unsigned max_queries, int64_t max_ms, struct nb_err *e);

/* Binds a UDP socket on addr with a port the kernel picks and serves
 * nb_dns_answer_tour on it in a child process. Returns 0 with r filled,
 * or -1 with e set (NB_E_SYS, or the socket layer's error). */
int nb_dns_responder_start(struct nb_dns_responder *r, const struct nb_addr *addr,
                           unsigned max_queries, int64_t max_ms, struct nb_err *e);

/* Stops the child (waiting at most two seconds). Returns 0, or -1 with e set
 * when it could not be waited for. Does nothing for a responder not started. */
int nb_dns_responder_stop(struct nb_dns_responder *r, struct nb_err *e);

#endif
