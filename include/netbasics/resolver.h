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

#define NB_SEARCH_NAMES_MAX   (NB_CONF_MAX_SEARCH + 1) /* each search domain, and the name */
#define NB_RESOLVER_TYPES_MAX 2                        /* types asked of one name (A and AAAA) */

/* One name the search list makes of what the user typed. */
struct nb_search_name {
    char name[NB_DNS_NAME_TEXT];
    int domain; /* the index in conf->search of the domain appended, or -1: the name as given */
};

/* The names to ask for name, in the order of glibc's res_search: the name as
 * given first when it has at least conf->ndots dots or ends in a dot (then it
 * is the only one); then the name with each search domain appended (the root
 * domain "" gives the name itself, absolute); then the name as given, unless
 * it was asked first or the root was on the list. A name that would be longer
 * than 255 bytes on the wire with its domain is left out. Fills up to max
 * (NB_SEARCH_NAMES_MAX is enough) and returns the count. */
size_t nb_search_names(const char *name, const struct nb_resolvconf *conf,
                       struct nb_search_name *out, size_t max);

/* Asks the name servers for name, each of types[0..ntypes) in turn (1 to
 * NB_RESOLVER_TYPES_MAX), walking nb_search_names as glibc's res_search does:
 * a name whose reply has records ends the search; NXDOMAIN, no data and
 * SERVFAIL go on to the next name; REFUSED, NOTIMP or another rcode end the
 * search domains (the name as given is still asked last, if it is due); no
 * answer in time, no server reachable or a malformed reply end it all. When
 * no name was answered, the outcome that stands is glibc's: that of the name
 * as given when it was asked first, else a "no data", else a SERVFAIL, else
 * the last name's. Returns 0 with out[0..*nout) that name's lookups, one per
 * type up to the first whose rcode is not NOERROR (look at msg.rcode and
 * nanswers); or -1 with e set (NB_E_TIMEOUT, NB_E_RESOLVE, NB_E_PROTO,
 * NB_E_INVALID, NB_E_SYS) and out[0..*nout) the lookups that came before the
 * failure. Free each of out[0..*nout) with nb_lookup_free. */
int nb_resolver_search(struct nb_resolver *r, const char *name, const uint16_t *types,
                       size_t ntypes, struct nb_lookup *out, size_t *nout, struct nb_err *e);
void nb_lookup_free(struct nb_lookup *l);

#endif
