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
        if (nb_sockaddr_from_addr(&r->conf.ns[i].addr, r->conf.ns[i].port, &r->servers[r->nservers],
                                  e) == 0)
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
    free(r->reply);
    r->reply = NULL;
}

void nb_lookup_free(struct nb_lookup *l)
{
    nb_dns_msg_free(&l->msg);
}

void nb_lookup_move(struct nb_lookup *dst, struct nb_lookup *src)
{
    *dst = *src;
    if (src->final == src->asked)
        dst->final = dst->asked;
    else if (src->final == src->msg.qname)
        dst->final = dst->msg.qname;
    memset(src, 0, sizeof *src);
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
    int used;
    char name[NB_DNS_NAME_TEXT]; /* the search name asked */
    struct nb_lookup l[NB_RESOLVER_TYPES_MAX];
    size_t n;
    int failed;        /* the type after l[n - 1] got no usable reply: err says why */
    unsigned rejected; /* then: the SERVFAIL, REFUSED or NOTIMP the servers answered, or 0 */
    struct nb_err err;
};

/* Where each type's question for the search name at hand stands. */
enum slot { UNASKED, ASKED, ANSWERED, SKIPPED };

/* One name's search as glibc's res_search walks it, as a state machine: the
 * search names come from nb_search_names one at a time (recomputed, so a
 * search holds one name's text and its lookups, a few KB); the attempts glibc
 * lets stand for a failed search are kept on the heap only when there is one. */
struct nb_search {
    const struct nb_resolvconf *conf;
    const struct nb_explain *x;
    char name[NB_DNS_NAME_TEXT]; /* as given */
    uint16_t types[NB_RESOLVER_TYPES_MAX];
    size_t ntypes, nnames, i; /* the search names, the one at hand */
    int together, edns, no_more_domains, domain;
    enum slot st[NB_RESOLVER_TYPES_MAX];
    int slot_edns[NB_RESOLVER_TYPES_MAX];   /* the question went out with EDNS0 */
    int slot_failed[NB_RESOLVER_TYPES_MAX]; /* no usable reply: cur.err says why */
    unsigned slot_rejected[NB_RESOLVER_TYPES_MAX];
    struct nb_err slot_err[NB_RESOLVER_TYPES_MAX];
    struct attempt cur;
    struct attempt *first, *nodata, *servfail, *last, *stand;
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

static void attempt_free(struct attempt *a)
{
    for (size_t t = 0; a && t < a->n; t++)
        nb_lookup_free(&a->l[t]);
    if (a)
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

/* Moves the attempt at hand into *slot (made on first use, freeing what it held). */
static void keep(struct attempt **slot, struct attempt *a)
{
    if (!*slot && !(*slot = calloc(1, sizeof **slot))) {
        attempt_free(a); /* out of memory: this outcome is forgotten, the search goes on */
        return;
    }
    attempt_free(*slot);
    **slot = *a;
    a->n = 0;
}

/* Sets the next search name up as the one at hand, skipping the search domains after a
 * REFUSED; with none left, the search is over (s->stand is then set by the caller). */
static void search_begin_name(struct nb_search *s)
{
    struct nb_search_name names[NB_SEARCH_NAMES_MAX];
    size_t n = nb_search_names(s->name, s->conf, names, NB_SEARCH_NAMES_MAX);

    while (s->i < n && s->no_more_domains && names[s->i].domain >= 0)
        s->i++;
    memset(&s->cur, 0, sizeof s->cur);
    if (s->i >= n)
        return;
    s->cur.used = 1;
    snprintf(s->cur.name, sizeof s->cur.name, "%s", names[s->i].name);
    s->domain = names[s->i].domain;
    for (size_t t = 0; t < s->ntypes; t++) {
        s->st[t] = UNASKED;
        s->slot_failed[t] = 0;
    }
}

struct nb_search *nb_search_new(const struct nb_resolvconf *conf, const char *name,
                                const uint16_t *types, size_t ntypes, int together,
                                const struct nb_explain *x, struct nb_err *e)
{
    struct nb_search *s = calloc(1, sizeof *s);
    struct nb_search_name names[NB_SEARCH_NAMES_MAX];

    if (!s) {
        nb_err_set(e, NB_E_SYS, "out of memory");
        return NULL;
    }
    s->conf = conf;
    s->x = x;
    snprintf(s->name, sizeof s->name, "%s", name);
    s->ntypes = ntypes > NB_RESOLVER_TYPES_MAX ? NB_RESOLVER_TYPES_MAX : ntypes;
    memcpy(s->types, types, s->ntypes * sizeof *types);
    s->together = together;
    s->edns = 1;
    s->nnames = nb_search_names(name, conf, names, NB_SEARCH_NAMES_MAX);
    search_begin_name(s);
    if (!s->cur.used || s->ntypes == 0)
        s->stand = &s->cur; /* nothing to ask: nb_search_end says so */
    return s;
}

int nb_search_next(struct nb_search *s, struct nb_search_q *q)
{
    if (s->stand)
        return -1;
    for (size_t t = 0; t < s->ntypes; t++) {
        if (s->st[t] != UNASKED) {
            if (s->st[t] == ASKED && !s->together)
                return 0; /* one at a time: the next type waits for this one */
            continue;
        }
        s->st[t] = ASKED;
        s->slot_edns[t] = s->edns;
        q->qname = s->cur.name;
        q->type = s->types[t];
        q->edns = s->edns;
        q->slot = t;
        q->more = s->i + 1 < s->nnames || t + 1 < s->ntypes;
        return 1;
    }
    return 0;
}

/* The name at hand is answered for every type it needs: its lookups as the one-at-a-time
 * search would have them (up to the first failure or rcode other than NOERROR), the verdict
 * and the next name, or the end. */
static void search_settle(struct nb_search *s)
{
    struct attempt *a = &s->cur;
    size_t t;
    enum verdict v;

    for (t = 0; t < s->ntypes; t++)
        if (s->st[t] == ASKED || s->st[t] == UNASKED)
            return; /* the types asked together are all waited for */
    for (t = 0; t < s->ntypes; t++) {
        if (s->st[t] == SKIPPED)
            break;
        if (s->slot_failed[t]) {
            a->failed = 1;
            a->rejected = s->slot_rejected[t];
            a->err = s->slot_err[t];
            break;
        }
        a->n = t + 1;
        if (a->l[t].msg.rcode != NB_DNS_NOERROR)
            break;
    }
    for (size_t k = 0; k < s->ntypes; k++) {
        if (k >= a->n && s->st[k] == ANSWERED) /* answered together, but moot */
            nb_lookup_free(&a->l[k]);
        s->st[k] = SKIPPED; /* the name is done: its lookups are the attempt's */
    }
    v = judge(a);
    if (v == FOUND || v == FATAL) {
        s->stand = a;
        return;
    }
    if (s->i == 0 && s->domain < 0)
        keep(&s->first, a);
    else if (v == NO_DATA && !s->nodata)
        keep(&s->nodata, a);
    else if (v == SERVFAIL && !s->servfail)
        keep(&s->servfail, a);
    else
        keep(&s->last, a);
    if (v == REJECTED && s->domain >= 0) {
        nb_explainf(s->x, "%s: no more search domains (glibc stops there too)", a->name);
        s->no_more_domains = 1;
    }
    s->i++;
    search_begin_name(s);
    if (!s->cur.used) /* nothing found: the outcome glibc's res_search lets stand */
        s->stand = s->first      ? s->first
                   : s->nodata   ? s->nodata
                   : s->servfail ? s->servfail
                   : s->last     ? s->last
                                 : &s->cur;
}

void nb_search_reply(struct nb_search *s, size_t slot, const uint8_t *reply, size_t rlen,
                     const struct nb_dns_exchange_info *info, const struct nb_err *err)
{
    struct nb_lookup *l = &s->cur.l[slot];
    struct nb_dns_header hdr;

    if (s->stand || slot >= s->ntypes || s->st[slot] != ASKED)
        return;
    memset(l, 0, sizeof *l);
    l->type = s->types[slot];
    snprintf(l->asked, sizeof l->asked, "%s", s->cur.name);
    l->info = *info;
    s->st[slot] = ANSWERED;
    if (!reply) {
        s->slot_failed[slot] = 1;
        s->slot_rejected[slot] = info->rejected;
        s->slot_err[slot] = *err;
    } else if (s->slot_edns[slot] && nb_dns_header_parse(reply, rlen, &hdr, NULL) == 0 &&
               hdr.rcode == NB_DNS_FORMERR) {
        /* an old server refusing the OPT record: ask it again without */
        nb_explainf(s->x, "FORMERR to a query with EDNS0: asking again without it");
        s->edns = 0;
        s->st[slot] = UNASKED;
        return;
    } else if (nb_dns_parse(reply, rlen, &l->msg, &s->slot_err[slot]) < 0) {
        s->slot_failed[slot] = 1;
        s->slot_rejected[slot] = info->rejected;
    } else if (!s->together && l->msg.rcode != NB_DNS_NOERROR) {
        for (size_t t = slot + 1; t < s->ntypes; t++)
            s->st[t] = SKIPPED;
    }
    if (s->slot_failed[slot] && !s->together)
        for (size_t t = slot + 1; t < s->ntypes; t++)
            s->st[t] = SKIPPED;
    search_settle(s);
}

int nb_search_end(struct nb_search *s, struct nb_lookup *out, size_t *nout, struct nb_err *e)
{
    struct attempt *stand = s->stand;
    size_t i, n;
    int rc = 0;

    *nout = 0;
    if (!stand)
        return nb_err_set(e, NB_E_INVALID, "the search for '%.300s' is not over", s->name);
    for (i = 0; i < stand->n; i++)
        out[i] = stand->l[i];
    *nout = stand->n;
    stand->n = 0;
    if (!stand->used) {
        rc = nb_err_set(e, NB_E_INVALID, "no name to ask for");
    } else if (stand->failed) {
        if (strcmp(stand->name, s->name) != 0)
            nb_err_set(e, stand->err.code, "%.300s: %s", stand->name, stand->err.msg);
        else
            *e = stand->err;
        e->sys_errno = stand->err.sys_errno;
        rc = -1;
    }
    for (i = 0; i < *nout; i++) {
        /* also when a later type failed: the answers found are shown with the failure */
        struct nb_err fe = {0};
        if (finish(&out[i], &fe) < 0) {
            for (n = i; n < *nout; n++) /* the reply that broke the chain is no answer */
                nb_lookup_free(&out[n]);
            *nout = i;
            if (rc == 0)
                *e = fe;
            rc = -1;
        }
    }
    return rc;
}

void nb_search_free(struct nb_search *s)
{
    if (!s)
        return;
    for (size_t t = 0; t < s->ntypes; t++) /* a type answered while the others were not */
        if (s->st[t] == ANSWERED && t >= s->cur.n)
            nb_lookup_free(&s->cur.l[t]);
    attempt_free(&s->cur);
    attempt_free(s->first);
    attempt_free(s->nodata);
    attempt_free(s->servfail);
    attempt_free(s->last);
    free(s->first);
    free(s->nodata);
    free(s->servfail);
    free(s->last);
    free(s);
}

int nb_search_query(const struct nb_search_q *q, uint8_t *buf, size_t cap, size_t *len,
                    struct nb_err *e)
{
    return nb_dns_build_query(q->qname, q->type, nb_random_u16(), q->edns ? NB_DNS_EDNS_PAYLOAD : 0,
                              buf, cap, len, e);
}

int nb_resolver_search(struct nb_resolver *r, const char *name, const uint16_t *types,
                       size_t ntypes, struct nb_lookup *out, size_t *nout, struct nb_err *e)
{
    struct nb_search *s = nb_search_new(&r->conf, name, types, ntypes, 0, r->copts.x, e);
    struct nb_search_q q;
    int rc;

    *nout = 0;
    if (!s)
        return -1;
    while (nb_search_next(s, &q) > 0) {
        uint8_t query[NB_DNS_QUERY_MAX];
        size_t qlen, rlen;
        struct nb_dns_exchange_info info = {0};
        struct nb_err qe = {0};
        char tname[16];
        if (nb_search_query(&q, query, sizeof query, &qlen, &qe) < 0) {
            nb_search_reply(s, q.slot, NULL, 0, &info, &qe);
            continue;
        }
        nb_explainf(r->copts.x, "asking for %s %s%s", q.qname,
                    nb_dns_type_name(q.type, tname, sizeof tname),
                    q.more ? " (the next search name follows if it is not found)" : "");
        nb_dns_explain(r->copts.x, "query", query, qlen);
        if (!r->reply && !(r->reply = malloc(NB_DNS_REPLY_MAX))) {
            nb_err_set(&qe, NB_E_SYS, "out of memory");
            nb_search_reply(s, q.slot, NULL, 0, &info, &qe);
            continue;
        }
        if (nb_dns_exchange(r->servers, r->nservers, query, qlen, &r->copts, r->reply,
                            NB_DNS_REPLY_MAX, &rlen, &info, &qe) < 0) {
            nb_search_reply(s, q.slot, NULL, 0, &info, &qe);
            continue;
        }
        nb_dns_explain(r->copts.x, "reply", r->reply, rlen);
        nb_search_reply(s, q.slot, r->reply, rlen, &info, NULL);
    }
    rc = nb_search_end(s, out, nout, e);
    nb_search_free(s);
    return rc;
}

/* --- many names at once --------------------------------------------------- */

/* One name in a batch. */
struct bname {
    struct nb_search *s; /* NULL: the slot is free */
    void *token;
    int ready; /* on the ready list: it may have a question to ask */
    uint32_t next_ready;
};

struct nb_resolver_batch {
    struct nb_resolver *r;
    struct nb_dns_mux *mux;
    struct bname *names;
    uint32_t max, *free_list, nfree;
    uint32_t ready_head, ready_tail;
    const struct nb_resolver_batch_done *done;
};

#define BNIL UINT32_MAX

struct nb_resolver_batch *nb_resolver_batch_new(struct nb_resolver *r, size_t max_queries,
                                                size_t max_names, double rate,
                                                const struct nb_explain *x, struct nb_err *e)
{
    struct nb_resolver_batch *b = calloc(1, sizeof *b);

    if (!b || max_names == 0 || max_names > 4 * NB_DNS_MUX_MAX ||
        !(b->names = calloc(max_names, sizeof *b->names)) ||
        !(b->free_list = calloc(max_names, sizeof *b->free_list))) {
        nb_resolver_batch_free(b);
        nb_err_set(e, b ? NB_E_INVALID : NB_E_SYS, "cannot hold %zu names at once", max_names);
        return NULL;
    }
    b->r = r;
    b->max = (uint32_t)max_names;
    for (uint32_t i = 0; i < b->max; i++)
        b->free_list[b->nfree++] = b->max - 1 - i;
    b->ready_head = b->ready_tail = BNIL;
    if (!(b->mux = nb_dns_mux_new(r->servers, r->nservers, &r->copts, max_queries, rate, x, e))) {
        nb_resolver_batch_free(b);
        return NULL;
    }
    return b;
}

void nb_resolver_batch_free(struct nb_resolver_batch *b)
{
    if (!b)
        return;
    for (uint32_t i = 0; b->names && i < b->max; i++)
        nb_search_free(b->names[i].s);
    nb_dns_mux_free(b->mux);
    free(b->names);
    free(b->free_list);
    free(b);
}

size_t nb_resolver_batch_room(const struct nb_resolver_batch *b)
{
    return b->nfree;
}

size_t nb_resolver_batch_busy(const struct nb_resolver_batch *b)
{
    return b->max - b->nfree;
}

static void ready_push(struct nb_resolver_batch *b, uint32_t i)
{
    if (b->names[i].ready)
        return;
    b->names[i].ready = 1;
    b->names[i].next_ready = BNIL;
    if (b->ready_tail != BNIL)
        b->names[b->ready_tail].next_ready = i;
    else
        b->ready_head = i;
    b->ready_tail = i;
}

/* Name i's search is over: its lookups go to the caller, the slot is free again. */
static void batch_end(struct nb_resolver_batch *b, uint32_t i)
{
    struct nb_lookup out[NB_RESOLVER_TYPES_MAX];
    size_t nout;
    struct nb_err e = {0};
    int rc = nb_search_end(b->names[i].s, out, &nout, &e);

    nb_search_free(b->names[i].s);
    b->names[i].s = NULL;
    b->free_list[b->nfree++] = i;
    b->done->fn(b->done->arg, b->names[i].token, rc, out, nout, &e);
}

/* Sends the questions of the names on the ready list while the multiplexer has room. */
static void batch_pump(struct nb_resolver_batch *b)
{
    while (b->ready_head != BNIL && nb_dns_mux_room(b->mux) > 0) {
        uint32_t i = b->ready_head;
        struct nb_search_q q;
        int got = nb_search_next(b->names[i].s, &q);
        if (got > 0) {
            uint8_t query[NB_DNS_QUERY_MAX];
            size_t qlen;
            struct nb_err e = {0};
            struct nb_dns_exchange_info info = {0};
            void *token = (void *)((uintptr_t)i * NB_RESOLVER_TYPES_MAX + q.slot);
            if (nb_search_query(&q, query, sizeof query, &qlen, &e) < 0 ||
                nb_dns_mux_send(b->mux, query, qlen, token, &e) < 0)
                nb_search_reply(b->names[i].s, q.slot, NULL, 0, &info, &e);
            continue; /* the same name may have more to ask */
        }
        b->ready_head = b->names[i].next_ready;
        if (b->ready_head == BNIL)
            b->ready_tail = BNIL;
        b->names[i].ready = 0;
        if (got < 0)
            batch_end(b, i);
    }
}

/* The multiplexer is done with one question: its name's search goes on. */
static void batch_reply(void *arg, void *token, int rc, const uint8_t *reply, size_t rlen,
                        const struct nb_dns_exchange_info *info, const struct nb_err *e)
{
    struct nb_resolver_batch *b = arg;
    uintptr_t t = (uintptr_t)token;
    uint32_t i = (uint32_t)(t / NB_RESOLVER_TYPES_MAX);

    if (!b->names[i].s)
        return;
    nb_search_reply(b->names[i].s, t % NB_RESOLVER_TYPES_MAX, rc == 0 ? reply : NULL, rlen, info,
                    e);
    ready_push(b, i);
}

int nb_resolver_batch_add(struct nb_resolver_batch *b, const char *name, const uint16_t *types,
                          size_t ntypes, void *token, const struct nb_resolver_batch_done *done,
                          struct nb_err *e)
{
    uint32_t i;

    if (b->nfree == 0)
        return nb_err_set(e, NB_E_INVALID, "%u names are already being looked up", b->max);
    i = b->free_list[b->nfree - 1];
    if (!(b->names[i].s = nb_search_new(&b->r->conf, name, types, ntypes, 1, NULL, e)))
        return -1;
    b->nfree--;
    b->names[i].token = token;
    b->done = done;
    ready_push(b, i);
    batch_pump(b);
    return 0;
}

int nb_resolver_batch_run(struct nb_resolver_batch *b, const struct nb_resolver_batch_done *done,
                          struct nb_err *e)
{
    struct nb_dns_mux_done md = {batch_reply, b};

    b->done = done;
    batch_pump(b);
    if (nb_resolver_batch_busy(b) == 0)
        return 0;
    if (nb_dns_mux_run(b->mux, -1, &md, e) < 0)
        return -1;
    batch_pump(b);
    return 0;
}

void nb_resolver_batch_stats(const struct nb_resolver_batch *b, struct nb_dns_mux_stats *out)
{
    nb_dns_mux_stats(b->mux, out);
}
