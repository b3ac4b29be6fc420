/* resolver.h - the stub resolver: name servers and search list from a
 * resolv.conf, the hosts file first, one question per call with search-list
 * expansion, and the answer's canonical-name chain. Uses dns.c for messages
 * and dnsclient.c for the wire. */
#ifndef NETBASICS_RESOLVER_H
#define NETBASICS_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/conf.h>
#include <netbasics/dns.h>
#include <netbasics/dnsclient.h>
#include <netbasics/err.h>

#define NB_HOSTS_FILE_MAX (4u << 20) /* a larger hosts file is refused */

struct nb_resolver {
    struct nb_resolvconf conf;
    struct nb_sockaddr servers[NB_CONF_MAX_NS];
    size_t nservers;
    char *hosts;        /* the hosts file's text, or NULL */
    size_t hosts_len;
    char hosts_path[512];
    struct nb_dns_client_opts copts;
    uint8_t reply[NB_DNS_REPLY_MAX]; /* the last reply's bytes, reused by each query */
};

/* Sets r up from the resolv.conf at conf_path (a missing file means the
 * defaults: 127.0.0.1, as glibc does) and the hosts file at hosts_path (NULL:
 * none; a missing file is none). Returns 0 or -1 with e set. */
int nb_resolver_init(struct nb_resolver *r, const char *conf_path, const char *hosts_path,
                     struct nb_err *e);

/* Replaces the name servers by one "IP", "IP:PORT", "IP#PORT" or "[IPv6]:PORT"
 * (nb_hostport_parse with NB_HP_DNS_SERVER; port 53 when none is given).
 * Returns 0, or -1 with e set to NB_E_INVALID. */
int nb_resolver_set_server(struct nb_resolver *r, const char *spec, struct nb_err *e);

void nb_resolver_free(struct nb_resolver *r);

/* The answer to one question. */
struct nb_lookup {
    char asked[NB_DNS_NAME_TEXT]; /* the name put to the server, after the search list */
    uint16_t type;
    struct nb_dns_msg msg;        /* the reply (free with nb_lookup_free) */
    struct nb_dns_exchange_info info;
    const struct nb_dns_rr *chain[NB_DNS_MAX_CHAIN]; /* CNAME hops from asked */
    size_t nchain;
    const char *final;            /* the name at the end of the chain */
    size_t nanswers;              /* records of the asked type owned by final */
};

/* Asks the name servers for name and type, trying the search list as glibc
 * does (ndots), moving on while the answer is NXDOMAIN. Returns 0 with *out
 * filled, whatever the rcode (NXDOMAIN included: look at out->msg.rcode), or
 * -1 with e set (NB_E_TIMEOUT, NB_E_RESOLVE, NB_E_PROTO, NB_E_INVALID). */
int nb_resolver_query(struct nb_resolver *r, const char *name, uint16_t type,
                      struct nb_lookup *out, struct nb_err *e);
void nb_lookup_free(struct nb_lookup *l);

#endif
