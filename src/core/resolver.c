/* resolver.c - the stub resolver: configuration, search list, CNAME chain. */
#include <netbasics/io.h>
#include <netbasics/num.h>
#include <netbasics/random.h>
#include <netbasics/resolver.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_servers_from_conf(struct nb_resolver *r, struct nb_err *e)
{
    r->nservers = 0;
    for (size_t i = 0; i < r->conf.nns; i++)
        if (nb_sockaddr_from_addr(&r->conf.ns[i].addr, r->conf.ns[i].port,
                                  &r->servers[r->nservers], e) == 0)
            r->nservers++;
    if (r->nservers == 0) {
        /* no nameserver line: glibc asks the local machine */
        struct nb_addr lo;
        nb_ip4_parse("127.0.0.1", 9, &lo, NULL);
        return nb_sockaddr_from_addr(&lo, 53, &r->servers[r->nservers++], e);
    }
    return 0;
}

int nb_resolver_init(struct nb_resolver *r, const char *conf_path, const char *hosts_path,
                     struct nb_err *e)
{
    char *text = NULL;
    size_t len = 0;

    memset(r, 0, sizeof *r);
    if (nb_file_read(conf_path, 1u << 20, &text, &len, e) < 0) {
        if (e->sys_errno != ENOENT)
            return -1;
        text = NULL;
        len = 0;
    }
    nb_resolvconf_parse(text ? text : "", len, &r->conf);
    free(text);
    r->copts.timeout_ms = (int64_t)r->conf.timeout_s * 1000;
    r->copts.attempts = r->conf.attempts;
    r->copts.tcp = r->conf.use_vc;
    if (hosts_path) {
        snprintf(r->hosts_path, sizeof r->hosts_path, "%s", hosts_path);
        if (nb_file_read(hosts_path, NB_HOSTS_FILE_MAX, &r->hosts, &r->hosts_len, e) < 0) {
            if (e->sys_errno != ENOENT)
                return -1;
            r->hosts = NULL;
        }
    }
    return set_servers_from_conf(r, e);
}

int nb_resolver_set_server(struct nb_resolver *r, const char *spec, struct nb_err *e)
{
    struct nb_hostport hp;

    if (nb_hostport_parse(spec, strlen(spec), NB_HP_DNS_SERVER, 53, &hp, e) < 0)
        return -1;
    r->nservers = 0;
    if (nb_sockaddr_from_addr(&hp.addr, hp.port, &r->servers[0], e) < 0)
        return -1;
    r->nservers = 1;
    return 0;
}

void nb_resolver_free(struct nb_resolver *r)
{
    free(r->hosts);
    r->hosts = NULL;
}

void nb_lookup_free(struct nb_lookup *l)
{
    nb_dns_msg_free(&l->msg);
}

size_t nb_search_names(const char *name, const struct nb_resolvconf *conf,
                       struct nb_search_name *out, size_t max)
{
    size_t n = 0, dots = 0, len = strlen(name);
    int absolute = len > 0 && name[len - 1] == '.', root_listed = 0;
    uint8_t wire[256];
    size_t wlen;
    int name_ok = nb_dns_name_to_wire(name, wire, sizeof wire, &wlen, NULL) == 0;

    for (const char *p = name; *p; p++)
        dots += *p == '.';
    if ((absolute || dots >= conf->ndots) && n < max) {
        snprintf(out[n].name, sizeof out[n].name, "%s", name);
        out[n++].domain = -1;
    }
    if (absolute)
        return n;
    for (size_t i = 0; i < conf->nsearch && n < max; i++) {
        const char *d = conf->search[i];
        root_listed |= d[0] == '\0';
        snprintf(out[n].name, sizeof out[n].name, "%.*s.%s", (int)(sizeof out[n].name / 2), name,
                 d);
        /* with a valid name and domain, only the length can make the whole invalid */
        if (name_ok && nb_dns_name_to_wire(out[n].name, wire, sizeof wire, &wlen, NULL) < 0)
            continue;
        out[n++].domain = (int)i;
    }
    if (dots < conf->ndots && !root_listed && n < max) {
        snprintf(out[n].name, sizeof out[n].name, "%s", name);
        out[n++].domain = -1;
    }
    return n;
}

/* Asks qname for type: the query (again without EDNS0 after a FORMERR to it), the
 * exchange, the reply parsed into l. Returns 0, or -1 with l->err set (l->info.rejected
 * says whether every server answered SERVFAIL, REFUSED or NOTIMP). */
static int ask(struct nb_resolver *r, const char *qname, uint16_t type, int *edns, int more,
               struct nb_lookup *l, struct nb_err *e)
{
    uint8_t query[512];
    size_t qlen, rlen;
    struct nb_dns_header hdr;
    char tname[16];

    memset(l, 0, sizeof *l);
    l->type = type;
    snprintf(l->asked, sizeof l->asked, "%s", qname);
    for (;;) {
        if (nb_dns_build_query(qname, type, nb_random_u16(), *edns ? NB_DNS_EDNS_PAYLOAD : 0, query,
                               sizeof query, &qlen, e) < 0)
            return -1;
        nb_explainf(r->copts.x, "asking for %s %s%s", qname,
                    nb_dns_type_name(type, tname, sizeof tname),
                    more ? " (the next search name follows if it is not found)" : "");
        nb_dns_explain(r->copts.x, "query", query, qlen);
        if (nb_dns_exchange(r->servers, r->nservers, query, qlen, &r->copts, r->reply,
                            NB_DNS_REPLY_MAX, &rlen, &l->info, e) < 0)
            return -1;
        nb_dns_explain(r->copts.x, "reply", r->reply, rlen);
        if (!(*edns && nb_dns_header_parse(r->reply, rlen, &hdr, NULL) == 0 &&
              hdr.rcode == NB_DNS_FORMERR))
            break;
        /* an old server refusing the OPT record: ask it again without */
        nb_explainf(r->copts.x, "FORMERR to a query with EDNS0: asking again without it");
        *edns = 0;
    }
    return nb_dns_parse(r->reply, rlen, &l->msg, e);
}

/* What one search name's answer means for the search (glibc's res_search). */
enum verdict {
    FOUND,     /* a reply with records: the search ends here */
    NOT_FOUND, /* NXDOMAIN: the next name */
    NO_DATA,   /* NOERROR without records: the next name, and remembered */
    SERVFAIL,  /* every server failed: the next name, and remembered */
    REJECTED,  /* REFUSED, NOTIMP, another rcode: no more search domains */
    FATAL      /* no answer, no server, a malformed reply: the search ends */
};

/* One search name's lookups, one per type asked until one failed or was not NOERROR. */
struct attempt {
    const char *name; /* the search name asked */
    struct nb_lookup l[NB_RESOLVER_TYPES_MAX];
    size_t n;
    int failed;        /* the type after l[n - 1] got no usable reply: err says why */
    unsigned rejected; /* then: the SERVFAIL, REFUSED or NOTIMP the servers answered, or 0 */
    struct nb_err err;
};

static int has_records(const struct nb_lookup *l)
{
    for (size_t i = 0; i < l->msg.nrr; i++)
        if (l->msg.rr[i].section == NB_DNS_ANSWER)
            return 1;
    return 0;
}

static enum verdict judge(const struct attempt *a)
{
    for (size_t t = 0; t < a->n; t++)
        if (a->l[t].msg.rcode == NB_DNS_NOERROR && has_records(&a->l[t]))
            return FOUND;
    if (a->failed) {
        if (a->err.code != NB_E_RESOLVE || a->rejected == 0)
            return FATAL; /* glibc, too, stops when no server could be reached */
        return a->rejected == NB_DNS_SERVFAIL ? SERVFAIL : REJECTED;
    }
    for (size_t t = 0; t < a->n; t++) {
        unsigned rc = a->l[t].msg.rcode;
        if (rc != NB_DNS_NOERROR)
            return rc == NB_DNS_NXDOMAIN ? NOT_FOUND : rc == NB_DNS_SERVFAIL ? SERVFAIL : REJECTED;
    }
    return NO_DATA;
}

/* Asks one search name for each type, stopping at a failure or an rcode other than NOERROR. */
static enum verdict ask_name(struct nb_resolver *r, const char *qname, const uint16_t *types,
                             size_t ntypes, int *edns, int more, struct attempt *a)
{
    memset(a, 0, sizeof *a);
    a->name = qname;
    for (size_t t = 0; t < ntypes; t++) {
        struct nb_lookup *l = &a->l[a->n];
        if (ask(r, qname, types[t], edns, more || t + 1 < ntypes, l, &a->err) < 0) {
            a->failed = 1;
            a->rejected = l->info.rejected;
            nb_lookup_free(l);
            break;
        }
        if (a->l[a->n++].msg.rcode != NB_DNS_NOERROR)
            break;
    }
    return judge(a);
}

static void attempt_free(struct attempt *a)
{
    for (size_t t = 0; t < a->n; t++)
        nb_lookup_free(&a->l[t]);
    a->n = 0;
}

/* The chain from the name asked to the records of its type, and their count. */
static int finish(struct nb_lookup *l, struct nb_err *e)
{
    char fq[NB_DNS_NAME_TEXT];
    size_t n = strlen(l->asked);

    if (l->msg.rcode != NB_DNS_NOERROR)
        return 0;
    snprintf(fq, sizeof fq, "%.1000s%s", l->asked, n && l->asked[n - 1] == '.' ? "" : ".");
    /* a question for the CNAME (or ANY) itself is answered at the name asked */
    if (l->type == NB_DNS_CNAME || l->type == NB_DNS_ANY)
        l->final = fq;
    else if (nb_dns_follow(&l->msg, fq, l->chain, &l->nchain, &l->final, e) < 0)
        return -1;
    if (l->final == fq)
        l->final = l->msg.has_question ? l->msg.qname : l->asked;
    for (size_t i = 0; i < l->msg.nrr; i++) {
        const struct nb_dns_rr *rr = &l->msg.rr[i];
        if (rr->section == NB_DNS_ANSWER && (rr->type == l->type || l->type == NB_DNS_ANY) &&
            nb_dns_name_eq(rr->name, l->final))
            l->nanswers++;
    }
    return 0;
}

/* The attempts one search keeps: the one at hand, the ones glibc lets stand for a failed
 * search, and the names to try. On the heap: about 60 KB. */
struct search {
    struct nb_search_name names[NB_SEARCH_NAMES_MAX];
    struct attempt cur, first, nodata, servfail, last;
};

/* Moves a into *slot (freeing what the slot held) and leaves a empty. */
static void keep(struct attempt *slot, struct attempt *a)
{
    attempt_free(slot);
    *slot = *a;
    a->n = 0;
}

int nb_resolver_search(struct nb_resolver *r, const char *name, const uint16_t *types,
                       size_t ntypes, struct nb_lookup *out, size_t *nout, struct nb_err *e)
{
    struct search *s = calloc(1, sizeof *s);
    size_t n, i;
    int edns = 1, no_more_domains = 0, rc = 0;
    struct attempt *stand = NULL;

    *nout = 0;
    if (!s)
        return nb_err_set(e, NB_E_SYS, "out of memory");
    n = nb_search_names(name, &r->conf, s->names, NB_SEARCH_NAMES_MAX);
    if (ntypes > NB_RESOLVER_TYPES_MAX)
        ntypes = NB_RESOLVER_TYPES_MAX;
    for (i = 0; i < n && !stand; i++) {
        const struct nb_search_name *c = &s->names[i];
        enum verdict v;
        if (no_more_domains && c->domain >= 0)
            continue;
        v = ask_name(r, c->name, types, ntypes, &edns, i + 1 < n, &s->cur);
        if (v == FOUND || v == FATAL)
            stand = &s->cur;
        else if (i == 0 && c->domain < 0)
            keep(&s->first, &s->cur);
        else if (v == NO_DATA && !s->nodata.name)
            keep(&s->nodata, &s->cur);
        else if (v == SERVFAIL && !s->servfail.name)
            keep(&s->servfail, &s->cur);
        else
            keep(&s->last, &s->cur);
        if (v == REJECTED && c->domain >= 0) {
            nb_explainf(r->copts.x, "%s: no more search domains (glibc stops there too)", c->name);
            no_more_domains = 1;
        }
    }
    /* nothing found: the outcome glibc's res_search lets stand */
    if (!stand)
        stand = s->first.name      ? &s->first
                : s->nodata.name   ? &s->nodata
                : s->servfail.name ? &s->servfail
                                   : &s->last;
    for (i = 0; i < stand->n; i++)
        out[i] = stand->l[i];
    *nout = stand->n;
    stand->n = 0;
    if (!stand->name) {
        rc = nb_err_set(e, NB_E_INVALID, "no name to ask for");
    } else if (stand->failed) {
        if (strcmp(stand->name, name) != 0)
            nb_err_set(e, stand->err.code, "%.300s: %s", stand->name, stand->err.msg);
        else
            *e = stand->err;
        e->sys_errno = stand->err.sys_errno;
        rc = -1;
    }
    for (i = 0; i < *nout && rc == 0; i++) {
        if ((rc = finish(&out[i], e)) < 0) {
            for (n = i; n < *nout; n++) /* the reply that broke the chain is no answer */
                nb_lookup_free(&out[n]);
            *nout = i;
        }
    }
    attempt_free(&s->cur);
    attempt_free(&s->first);
    attempt_free(&s->nodata);
    attempt_free(&s->servfail);
    attempt_free(&s->last);
    free(s);
    return rc;
}
