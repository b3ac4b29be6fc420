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
    char *hosts; /* the hosts file's text, or NULL */
    size_t hosts_len;
    char hosts_path[512];
    struct nb_dns_client_opts copts;
    uint8_t *reply; /* NB_DNS_REPLY_MAX bytes for the last reply, taken on first use (not
                     * zeroed with the rest: 64 KiB of page faults saved per lookup) */
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
    struct nb_dns_msg msg; /* the reply (free with nb_lookup_free) */
    struct nb_dns_exchange_info info;
    const struct nb_dns_rr *chain[NB_DNS_MAX_CHAIN]; /* CNAME hops from asked */
    size_t nchain;
    const char *final; /* the name at the end of the chain */
    size_t nanswers;   /* records of the asked type owned by final */
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

/* One name's search, as a state machine with no I/O of its own: it says which
 * question to ask next (nb_search_next), takes each reply (nb_search_reply)
 * and follows the rules nb_resolver_search gives below. nb_resolver_search
 * drives one with nb_dns_exchange, one question at a time; a batch
 * (nb_resolver_batch) drives many over one multiplexer. */
struct nb_search;

/* A question a search wants asked. */
struct nb_search_q {
    const char *qname; /* valid until the next call on the search */
    uint16_t type;
    int edns;    /* with an OPT record (NB_DNS_EDNS_PAYLOAD) */
    size_t slot; /* give it back to nb_search_reply */
    int more;    /* another search name or type may follow */
};

/* A search for name's types[0..ntypes) (1 to NB_RESOLVER_TYPES_MAX) over
 * conf's search list (conf must outlive it). together 1 asks the types of a
 * search name at once; 0 asks each after the one before got NOERROR. x, if
 * not NULL, narrates the search's turns. Returns it, or NULL with e set to
 * NB_E_SYS. */
struct nb_search *nb_search_new(const struct nb_resolvconf *conf, const char *name,
                                const uint16_t *types, size_t ntypes, int together,
                                const struct nb_explain *x, struct nb_err *e);

/* 1 with *q the next question to ask; 0 when the search waits for a reply
 * first; -1 when the search is over (nb_search_end). */
int nb_search_next(struct nb_search *s, struct nb_search_q *q);

/* Query q as bytes (a random id) into buf of size cap (NB_DNS_QUERY_MAX is
 * enough). Returns 0, or -1 with e set (NB_E_INVALID: not a name). */
int nb_search_query(const struct nb_search_q *q, uint8_t *buf, size_t cap, size_t *len,
                    struct nb_err *e);

/* The reply reply[0..rlen) to the question of slot (with info, as
 * nb_dns_exchange fills it), or its failure: reply NULL, err set and
 * info->rejected as nb_dns_exchange left them. A FORMERR to a question with
 * EDNS0 makes the search ask it again without. */
void nb_search_reply(struct nb_search *s, size_t slot, const uint8_t *reply, size_t rlen,
                     const struct nb_dns_exchange_info *info, const struct nb_err *err);

/* The outcome of a search that is over, as nb_resolver_search returns it
 * (the lookups move to out, which holds NB_RESOLVER_TYPES_MAX). */
int nb_search_end(struct nb_search *s, struct nb_lookup *out, size_t *nout, struct nb_err *e);

void nb_search_free(struct nb_search *s);

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

/* Moves *src to *dst (src is then empty): final may point into the lookup
 * itself, so a lookup is moved with this, never by assignment. */
void nb_lookup_move(struct nb_lookup *dst, struct nb_lookup *src);

/* --- many names at once --------------------------------------------------- */

/* Many names' searches at once: each name's types asked together, up to
 * max_queries questions in flight over one nb_dns_mux (with r's servers,
 * timeout and rounds; rate > 0 caps the datagrams per second), up to max_names
 * names at once. */
struct nb_resolver_batch;

/* Called once per name whose search is over: rc, out[0..nout) and e as
 * nb_resolver_search gives them; the callee owns (and frees) the lookups. It
 * must not add names. */
struct nb_resolver_batch_done {
    void (*fn)(void *arg, void *token, int rc, struct nb_lookup *out, size_t nout,
               const struct nb_err *e);
    void *arg;
};

/* A batch over r (which must outlive it); x gets the multiplexer's summary
 * lines. Returns it, or NULL with e set. */
struct nb_resolver_batch *nb_resolver_batch_new(struct nb_resolver *r, size_t max_queries,
                                                size_t max_names, double rate,
                                                const struct nb_explain *x, struct nb_err *e);

/* How many more names the batch takes now; how many it holds. */
size_t nb_resolver_batch_room(const struct nb_resolver_batch *b);
size_t nb_resolver_batch_busy(const struct nb_resolver_batch *b);

/* Starts the search for name (its types as nb_resolver_search takes them);
 * token comes back to done->fn, which may be called before this returns (a
 * name with nothing to ask). Returns 0, or -1 with e set (no room: NB_E_INVALID). */
int nb_resolver_batch_add(struct nb_resolver_batch *b, const char *name, const uint16_t *types,
                          size_t ntypes, void *token, const struct nb_resolver_batch_done *done,
                          struct nb_err *e);

/* Sends what is due, waits for replies or a timeout and calls done->fn for
 * each name whose search ended. Returns at once when the batch is empty.
 * Returns 0, or -1 with e set (the wait failed). */
int nb_resolver_batch_run(struct nb_resolver_batch *b, const struct nb_resolver_batch_done *done,
                          struct nb_err *e);

void nb_resolver_batch_stats(const struct nb_resolver_batch *b, struct nb_dns_mux_stats *out);

/* Frees b and the searches still in it (without calling done). */
void nb_resolver_batch_free(struct nb_resolver_batch *b);

#endif
