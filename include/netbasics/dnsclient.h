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
    size_t server; /* index of the server whose reply this is */
    int truncated; /* the reply had TC set even over TCP */
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

#endif
