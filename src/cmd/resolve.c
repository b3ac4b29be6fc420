/* resolve.c - `netbasics resolve`: the lesson's nslookup with our own stub
 * resolver: the server asked, the canonical-name chain, the addresses; the
 * hosts file first; other record types, reverse lookups, --short and --json. */
#include "cmd/cmd.h"

#include <netbasics/addr.h>
#include <netbasics/conf.h>
#include <netbasics/dns.h>
#include <netbasics/lines.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/resolver.h>
#include <netbasics/sock.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: netbasics resolve [OPTIONS] NAME...\n"
    "\n"
    "Looks NAME up the way the lesson's nslookup does, with netbasics' own DNS stub\n"
    "resolver: which server was asked, each canonical name on the way, and the\n"
    "addresses (A and AAAA). A name in the hosts file is answered from it (as\n"
    "Python's getaddrinfo does). An IP address as NAME is looked up in reverse\n"
    "(PTR), in the hosts file first. With no NAME or '-', reads one per line from\n"
    "standard input. Many names are asked together (--parallel) and printed in\n"
    "input order (or as they come, --unordered); the exit status is the worst.\n"
    "\n"
    "dig's forms work too: 'resolve @SERVER NAME TYPE' (@SERVER is -s; a record\n"
    "type's name among the arguments is -t when another argument is the name),\n"
    "+short, +json, +tcp, +notcp, +search, +nosearch, +time=S and +tries=N.\n";

static const char EPILOG[] =
    "Exit status: 0 found, 1 no such name (NXDOMAIN) or no record of that type,\n"
    "2 usage error, 3 no name server answered, 5 malformed reply, 7 timed out.\n";

struct resolve_opts {
    uint16_t type;
    int type_given, short_out, json, dns_only, system;
    const char *server, *conf, *hosts; /* --server, --resolv-conf, --hosts */
    int64_t timeout_ms;                /* --timeout; -1: resolv.conf's */
    unsigned retries;                  /* --retries; 0: resolv.conf's */
    int tcp, search; /* --tcp 1, --no-tcp 0; --search 1, --no-search 0; -1 resolv.conf's */
    struct nb_explain explain;
    unsigned parallel; /* --parallel: questions in flight at most */
    unsigned rate;     /* --rate: queries per second at most, 0: no cap */
    int unordered;     /* --unordered: print as answers arrive */
    struct nb_resolver *r;
    int header_shown;
};

/* nslookup's words for a record's data. */
static const char *phrase(uint16_t type)
{
    switch (type) {
    case NB_DNS_CNAME:
        return "canonical name";
    case NB_DNS_MX:
        return "mail exchanger";
    case NB_DNS_NS:
        return "nameserver";
    case NB_DNS_TXT:
        return "text";
    case NB_DNS_PTR:
        return "name";
    case NB_DNS_SRV:
        return "service";
    case NB_DNS_SOA:
        return "start of authority";
    case NB_DNS_CAA:
        return "certification authority authorization";
    default:
        return NULL;
    }
}

static void server_text(const struct nb_resolver *r, size_t i, char *buf, size_t n)
{
    struct nb_addr a;
    uint16_t port = 53;
    char t[NB_ADDR_TEXT_MAX];

    if (nb_sockaddr_to_addr(&r->servers[i], &a, &port, NULL) < 0)
        snprintf(buf, n, "?");
    else
        snprintf(buf, n, "%s#%u", nb_addr_format(&a, t, sizeof t), port);
}

/* --- the result: computed first, printed by one printer per mode ---------- */

/* Where a result's answers came from. */
enum source { FROM_DNS, FROM_HOSTS, FROM_SYSTEM, NOT_A_NAME };

/* One answer from the hosts file or the system resolver (DNS answers stay records). */
struct row {
    char name[NB_DNS_NAME_TEXT]; /* the owner: a hosts-file name, or the reverse name */
    const char *type;            /* "A", "AAAA", "PTR" */
    char data[NB_CONF_NAME_MAX]; /* the address, or a hosts-file name */
};

/* Everything resolve found for one NAME, before anything is printed. Text
 * from the hosts file and the user is raw (printers escape it); DNS names and
 * data are in RFC 1035 presentation form, made terminal-safe by the codec. */
struct result {
    char input[NB_DNS_NAME_TEXT]; /* the NAME as given */
    enum source source;
    int reverse;                  /* an address, looked up as its PTR name */
    char qname[NB_DNS_NAME_TEXT]; /* the name asked: input, or its reverse name */
    struct row *rows;             /* FROM_HOSTS, FROM_SYSTEM: NB_RESOLVE_MAX of them */
    size_t nrows;
    uint16_t types[2]; /* FROM_DNS: the types asked, in order */
    size_t ntypes;
    struct nb_lookup l[2]; /* the lookups that got a reply, whatever its rcode */
    size_t nl;
    const struct nb_lookup *chain; /* the first lookup with a canonical-name chain */
    size_t found;                  /* answers of the asked types */
    int failed;                    /* a question got no reply: err says why */
    struct nb_err err;
    int status;        /* the exit status this NAME gives */
    int done;          /* computed: ready to print */
    unsigned long seq; /* in a window: the NAME's number in the input */
};

/* Room for the hosts file's or getaddrinfo's answers; 0, or -1 (out of memory, said in r). */
static int rows_alloc(struct result *r)
{
    if (!r->rows && !(r->rows = calloc(NB_RESOLVE_MAX, sizeof *r->rows))) {
        r->failed = 1;
        r->status = NB_EXIT_SYS;
        return nb_err_set(&r->err, NB_E_SYS, "out of memory");
    }
    return 0;
}

/* Whether rr answers l's question: of its type, owned by the chain's end. */
static int is_answer(const struct nb_lookup *l, const struct nb_dns_rr *rr)
{
    return rr->section == NB_DNS_ANSWER && nb_dns_name_eq(rr->name, l->final) &&
           (rr->type == l->type || l->type == NB_DNS_ANY);
}

/* Whether lookup i got NOERROR: only then has it answers to print. */
static int answered(const struct result *r, size_t i)
{
    return i < r->nl && r->l[i].msg.rcode == NB_DNS_NOERROR;
}

/* The hosts file's answer to a forward question: returns 1 with r filled. */
static int hosts_forward(struct result *r, const struct resolve_opts *o)
{
    struct nb_hosts_match m[NB_RESOLVE_MAX];
    int fam = !o->type_given ? 0 : o->type == NB_DNS_A ? 4 : o->type == NB_DNS_AAAA ? 6 : 0;

    if (o->dns_only || !o->r->hosts || (o->type_given && fam == 0))
        return 0;
    r->nrows = nb_hosts_lookup(o->r->hosts, o->r->hosts_len, r->input, fam, m, NB_RESOLVE_MAX);
    if (r->nrows == 0)
        return 0;
    r->source = FROM_HOSTS;
    if (rows_alloc(r) < 0)
        return 1;
    nb_explainf(&o->explain, "%s is in the hosts file %s (line %u): no name server is asked",
                r->input, o->r->hosts_path, m[0].line);
    for (size_t i = 0; i < r->nrows; i++) {
        snprintf(r->rows[i].name, sizeof r->rows[i].name, "%s", m[i].canonical);
        r->rows[i].type = m[i].addr.family == 4 ? "A" : "AAAA";
        nb_addr_format(&m[i].addr, r->rows[i].data, sizeof r->rows[i].data);
    }
    r->source = FROM_HOSTS;
    return 1;
}

/* The hosts file's names for an address: returns 1 with r filled. */
static int hosts_reverse(struct result *r, const struct nb_addr *a, const struct resolve_opts *o)
{
    char names[8][NB_CONF_NAME_MAX];

    if (o->dns_only || !o->r->hosts || (o->type_given && o->type != NB_DNS_PTR))
        return 0;
    r->nrows = nb_hosts_reverse(o->r->hosts, o->r->hosts_len, a, names, 8);
    if (r->nrows == 0)
        return 0;
    r->source = FROM_HOSTS;
    if (rows_alloc(r) < 0)
        return 1;
    nb_explainf(&o->explain, "%s is in the hosts file %s: no name server is asked", r->input,
                o->r->hosts_path);
    for (size_t i = 0; i < r->nrows; i++) {
        snprintf(r->rows[i].name, sizeof r->rows[i].name, "%s", r->qname);
        r->rows[i].type = "PTR";
        snprintf(r->rows[i].data, sizeof r->rows[i].data, "%s", names[i]);
    }
    r->source = FROM_HOSTS;
    return 1;
}

/* What getaddrinfo says (--system). */
static void system_compute(struct result *r, const struct resolve_opts *o)
{
    struct nb_sockaddr list[NB_RESOLVE_MAX];
    size_t count;
    int fam = o->type == NB_DNS_A ? 4 : o->type == NB_DNS_AAAA ? 6 : 0;

    r->source = FROM_SYSTEM;
    if (rows_alloc(r) < 0)
        return;
    if (nb_sock_resolve(r->qname, 0, fam, SOCK_STREAM, list, NB_RESOLVE_MAX, &count, &o->explain,
                        &r->err) < 0) {
        r->failed = 1;
        r->status = nb_exit_code(r->err.code);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        struct nb_addr a;
        if (nb_sockaddr_to_addr(&list[i], &a, NULL, NULL) < 0)
            continue;
        r->rows[r->nrows].type = a.family == 4 ? "A" : "AAAA";
        nb_addr_format(&a, r->rows[r->nrows].data, sizeof r->rows[0].data);
        r->nrows++;
    }
}

/* The DNS part of a result from the resolver's outcome: the lookups (moved
 * in), the chain, the count of answers and the status. */
static void dns_finish(struct result *r, int rc, struct nb_lookup *l, size_t nl,
                       const struct nb_err *e)
{
    r->source = FROM_DNS;
    for (size_t t = 0; t < nl && t < 2; t++)
        nb_lookup_move(&r->l[t], &l[t]);
    r->nl = nl < 2 ? nl : 2;
    if (rc < 0) {
        r->failed = 1;
        r->err = *e;
        r->status = nb_exit_code(r->err.code);
    }
    for (size_t t = 0; t < r->nl; t++) {
        const struct nb_lookup *k = &r->l[t];
        if (k->msg.rcode != NB_DNS_NOERROR) {
            r->status = k->msg.rcode == NB_DNS_NXDOMAIN ? NB_EXIT_NEGATIVE : NB_EXIT_RESOLVE;
            return;
        }
        if (!r->chain && k->nchain)
            r->chain = k;
        r->found += k->nanswers;
    }
    if (!r->failed)
        r->status = r->found ? NB_EXIT_OK : NB_EXIT_NEGATIVE;
}

/* Sets r up for its NAME (r->input): answered at once (a NAME that cannot be
 * one, the hosts file, --system: returns 0 with r->done set) or the question
 * for DNS, r->qname and r->types (returns 1). */
static int resolve_prepare(struct resolve_opts *o, struct result *r)
{
    struct nb_addr a;
    size_t len = strlen(r->input);

    r->done = 1;
    if (r->source == NOT_A_NAME)
        return 0;
    snprintf(r->qname, sizeof r->qname, "%s", r->input);
    r->types[0] = NB_DNS_A;
    r->types[1] = NB_DNS_AAAA;
    r->ntypes = 2;
    if (o->system) {
        system_compute(r, o);
        return 0;
    }
    if (nb_addr_parse(r->input, len, &a, NULL) == 0) {
        /* an address: the reverse lookup, in-addr.arpa or ip6.arpa */
        a.zone[0] = '\0';
        nb_dns_reverse_name(&a, r->qname, sizeof r->qname);
        r->reverse = 1;
        if (hosts_reverse(r, &a, o))
            return 0;
        r->types[0] = NB_DNS_PTR;
        r->ntypes = 1;
    } else if (hosts_forward(r, o)) {
        return 0;
    }
    if (o->type_given) {
        r->types[0] = o->type;
        r->ntypes = 1;
    }
    r->done = 0;
    return 1;
}

/* The whole answer for r->input, one question at a time. */
static void resolve_compute(struct resolve_opts *o, struct result *r)
{
    struct nb_lookup l[NB_RESOLVER_TYPES_MAX];
    size_t nl = 0;
    struct nb_err e = {0};
    int rc;

    if (!resolve_prepare(o, r))
        return;
    rc = nb_resolver_search(o->r, r->qname, r->types, r->ntypes, l, &nl, &e);
    dns_finish(r, rc, l, nl, &e);
    r->done = 1;
}

static void result_free(struct result *r)
{
    for (size_t i = 0; i < r->nl; i++)
        nb_lookup_free(&r->l[i]);
    r->nl = 0;
    free(r->rows);
    r->rows = NULL;
}

/* --- the printers --------------------------------------------------------- */

/* Writes untrusted text (a hosts-file name, a NAME as given) escaped. */
static void put_text(FILE *f, const char *s)
{
    nb_escape_write(f, s, strlen(s), NB_ESC_C);
}

/* The length of a name without its final dot, as nslookup shows owners. */
static int undotted(const char *name)
{
    size_t n = strlen(name);

    return (int)(n > 1 && name[n - 1] == '.' ? n - 1 : n);
}

static void print_header(struct resolve_opts *o, size_t server)
{
    char s[NB_SOCKADDR_TEXT_MAX + 8], *hash;

    if (o->header_shown)
        return;
    o->header_shown = 1;
    server_text(o->r, server, s, sizeof s);
    hash = strrchr(s, '#');
    printf("Server:\t\t%.*s\nAddress:\t%s\n\n", (int)(hash ? hash - s : 0), s, s);
}

/* The hosts file's or getaddrinfo's answers, the nslookup way. */
static void text_rows(const struct result *r, const struct resolve_opts *o, FILE *f)
{
    if (r->source == FROM_SYSTEM) {
        fputs("The system resolver, getaddrinfo, for ", f);
        put_text(f, r->input);
        fputs(" (Python's view):\n", f);
    } else {
        fputs("From the hosts file ", f);
        put_text(f, o->r->hosts_path); /* an option or NB_HOSTS */
        fputs(" (no name server asked):\n", f);
    }
    for (size_t i = 0; i < r->nrows; i++) {
        const struct row *w = &r->rows[i];
        if (r->reverse && r->source == FROM_HOSTS) {
            fprintf(f, "%.*s\tname = ", undotted(w->name), w->name);
            put_text(f, w->data);
            fputs(".\n", f);
            continue;
        }
        fputs("Name:\t", f);
        put_text(f, w->name);
        fprintf(f, "\nAddress: %s\n", w->data);
    }
    if (r->source == FROM_HOSTS && !r->reverse)
        fprintf(f,
                "(nslookup asks DNS only and may say NXDOMAIN here; Python's getaddrinfo reads the "
                "hosts file first, as this does. --dns-only asks DNS.)\n");
}

/* One lookup's records the nslookup way, after its canonical-name chain when
 * it is the result's chain. */
static void text_lookup(const struct result *r, const struct nb_lookup *l, FILE *f)
{
    char tname[16];

    for (size_t i = 0; r->chain == l && i < l->nchain; i++)
        fprintf(f, "%.*s\tcanonical name = %s\n", undotted(l->chain[i]->name), l->chain[i]->name,
                l->chain[i]->target);
    for (size_t i = 0; i < l->msg.nrr; i++) {
        const struct nb_dns_rr *rr = &l->msg.rr[i];
        const char *ph = phrase(rr->type);
        if (!is_answer(l, rr))
            continue;
        if (rr->type == NB_DNS_A || rr->type == NB_DNS_AAAA)
            fprintf(f, "Name:\t%.*s\nAddress: %s\n", undotted(rr->name), rr->name, rr->data);
        else
            fprintf(f, "%.*s\t%s = %s\n", undotted(rr->name), rr->name,
                    ph ? ph : nb_dns_type_name(rr->type, tname, sizeof tname), rr->data);
    }
}

/* The nslookup view of one name's answers (the server is printed once, before). */
static void print_text(const struct result *r, const struct resolve_opts *o, FILE *f)
{
    if (r->source != FROM_DNS) {
        if (!r->failed)
            text_rows(r, o, f);
        return;
    }
    if (answered(r, 0))
        fprintf(f, "%s",
                r->l[0].msg.aa ? "Authoritative answer:\n" : "Non-authoritative answer:\n");
    for (size_t i = 0; answered(r, i); i++)
        text_lookup(r, &r->l[i], f);
    if (r->status == NB_EXIT_OK)
        fputc('\n', f);
}

/* Answers only, one per line, as dig +short: canonical names, then data. */
static void print_short(const struct result *r, FILE *f)
{
    if (r->source != FROM_DNS) {
        for (size_t i = 0; i < r->nrows; i++)
            if (r->reverse && r->source == FROM_HOSTS) {
                put_text(f, r->rows[i].data);
                fputs(".\n", f);
            } else {
                fprintf(f, "%s\n", r->rows[i].data);
            }
        return;
    }
    for (size_t i = 0; answered(r, i); i++) {
        const struct nb_lookup *l = &r->l[i];
        for (size_t k = 0; r->chain == l && k < l->nchain; k++)
            fprintf(f, "%s\n", l->chain[k]->target);
        for (size_t k = 0; k < l->msg.nrr; k++)
            if (is_answer(l, &l->msg.rr[k]))
                fprintf(f, "%s\n", l->msg.rr[k].data);
    }
}

/* One JSON object: the hosts file's answers, or DNS's with the chain. */
static void print_json(const struct result *r, const struct resolve_opts *o, FILE *f)
{
    struct nb_json j;
    char tname[16];

    if (r->source == NOT_A_NAME)
        return;
    if (r->source == FROM_SYSTEM) { /* one object per address */
        for (size_t i = 0; i < r->nrows; i++) {
            nb_json_begin(&j, f);
            nb_json_str(&j, "name", r->input);
            nb_json_str(&j, "source", "getaddrinfo");
            nb_json_str(&j, "address", r->rows[i].data);
            nb_json_end(&j);
        }
        return;
    }
    nb_json_begin(&j, f);
    nb_json_str(&j, "name", r->input);
    nb_json_str(&j, "source", r->source == FROM_HOSTS ? "hosts" : "dns");
    if (r->source == FROM_HOSTS)
        nb_json_str(&j, "file", o->r->hosts_path);
    nb_json_open(&j, "answers", '[');
    for (size_t i = 0; i < r->nrows; i++) {
        nb_json_open(&j, NULL, '{');
        nb_json_str(&j, "name", r->rows[i].name);
        nb_json_str(&j, "type", r->rows[i].type);
        nb_json_str(&j, "data", r->rows[i].data);
        nb_json_close(&j, '}');
    }
    for (size_t i = 0; answered(r, i); i++)
        for (size_t k = 0; k < r->l[i].msg.nrr; k++) {
            const struct nb_dns_rr *rr = &r->l[i].msg.rr[k];
            if (!is_answer(&r->l[i], rr))
                continue;
            nb_json_open(&j, NULL, '{');
            nb_json_str(&j, "name", rr->name);
            nb_json_str(&j, "type", nb_dns_type_name(rr->type, tname, sizeof tname));
            nb_json_uint(&j, "ttl", rr->ttl);
            nb_json_str(&j, "data", rr->data);
            nb_json_close(&j, '}');
        }
    nb_json_close(&j, ']');
    if (r->failed) {
        nb_json_str(&j, "error", r->err.msg);
    } else if (r->source == FROM_DNS) {
        nb_json_open(&j, "canonical_names", '[');
        for (size_t k = 0; r->chain && k < r->chain->nchain; k++)
            nb_json_str(&j, NULL, r->chain->chain[k]->target);
        nb_json_close(&j, ']');
        if (r->nl && r->l[r->nl - 1].msg.rcode == NB_DNS_NXDOMAIN)
            nb_json_str(&j, "error", "NXDOMAIN");
    }
    nb_json_end(&j);
}

/* One message about a result: to stderr now (err NULL), or kept in err,
 * NUL-terminated, to be said when the result is printed. */
static void say(FILE *err, const char *fmt, ...) NB_PRINTF(2, 3);
static void say(FILE *err, const char *fmt, ...)
{
    char m[NB_DNS_NAME_TEXT + 2 * NB_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    if (err) {
        vfprintf(err, fmt, ap);
        fputc('\0', err);
    } else {
        vsnprintf(m, sizeof m, fmt, ap);
        nb_errorf("resolve", "%s", m);
    }
    va_end(ap);
}

/* What went wrong or is missing, on stderr (or into err), in the order it happened. */
static void report(const struct result *r, FILE *err)
{
    char tname[16];

    if (r->source == NOT_A_NAME)
        say(err, "%s", r->err.msg);
    if (r->source == FROM_SYSTEM && r->failed)
        say(err, "%s", r->err.msg);
    if (r->source != FROM_DNS)
        return;
    for (size_t i = 0; i < r->nl; i++) {
        const struct nb_lookup *l = &r->l[i];
        if (l->info.truncated)
            nb_errorf("resolve",
                      "%s: the reply was truncated even over TCP: some records may be "
                      "missing",
                      r->input);
        if (l->msg.rcode == NB_DNS_NXDOMAIN)
            say(err, "%s: not found: the server says NXDOMAIN, no such name", r->input);
        else if (l->msg.rcode != NB_DNS_NOERROR)
            say(err, "%s: the server answered %s", r->input,
                nb_dns_rcode_name(l->msg.rcode, tname, sizeof tname));
        else if (!l->nanswers && r->ntypes == 1)
            say(err, "%s has no %s record", r->input,
                nb_dns_type_name(l->type, tname, sizeof tname));
    }
    if (r->failed)
        say(err, "%s: %s", r->input, r->err.msg);
    else if (r->nl == r->ntypes && r->found == 0 && r->ntypes == 2 && answered(r, r->nl - 1))
        say(err, "%s has no A or AAAA record", r->input);
}

/* The result's output and its messages: stdout and stderr, or memory streams. */
static void result_write(const struct result *r, const struct resolve_opts *o, FILE *f, FILE *err)
{
    if (o->json)
        print_json(r, o, f);
    else if (o->short_out)
        print_short(r, f);
    else
        print_text(r, o, f);
    report(r, err);
}

/* The server the text view's header names for r, or -1 when r prints none. */
static long header_server(const struct result *r, const struct resolve_opts *o)
{
    if (o->json || o->short_out || r->source != FROM_DNS || r->nl == 0)
        return -1;
    return (long)r->l[0].info.server;
}

/* Prints a computed result as the options say and reports what went wrong;
 * returns its exit status. */
static int result_print(const struct result *r, struct resolve_opts *o)
{
    long server = header_server(r, o);

    if (server >= 0)
        print_header(o, (size_t)server);
    result_write(r, o, stdout, NULL);
    return r->status;
}

/* The worst of two exit statuses: any failure beats 0, a higher one a lower one. */
static int worse(int status, int st)
{
    return st > status || (status == NB_EXIT_OK && st) ? st : status;
}

/* --- the NAMEs: the arguments, or one per line of stdin ------------------- */

struct names {
    char **argv;
    int i, argc, from_stdin, open;
    int type_words; /* a type word (MX, AAAA) among the arguments is no NAME */
    struct nb_lines in;
};

static int is_type_word(const char *arg);

/* Whether an argument is no NAME: '@IP' (the server), '-' (stdin) or a type word. */
static int not_a_name(const char *arg, int type_words)
{
    return arg[0] == '@' || !strcmp(arg, "-") || (type_words && is_type_word(arg));
}

/* Fills r->input with the next NAME (a line that cannot be one makes a
 * NOT_A_NAME result). Returns 1, 0 at the end, or -1 with e set (stdin). */
static int names_next(struct names *n, struct result *r, struct nb_err *e)
{
    const char *text;
    size_t len;
    int toolong = 0, got;
    char why[80] = "";

    memset(r, 0, sizeof *r);
    if (!n->from_stdin) {
        while (n->i < n->argc && not_a_name(n->argv[n->i], n->type_words))
            n->i++;
        if (n->i == n->argc)
            return 0;
        text = n->argv[n->i++];
        len = strlen(text);
    } else {
        if (!n->open) {
            /* names never hold blanks: the ones around a name go, as in dig -f */
            if (nb_lines_open(&n->in, 0, NB_LINES_TRIM, e) < 0)
                return -1;
            n->open = 1;
            nb_note_stdin("resolve", "names");
        }
        if ((got = nb_lines_next(&n->in, &text, &len, &toolong, e)) <= 0)
            return got;
        if (toolong || memchr(text, '\0', len))
            snprintf(why, sizeof why, "line %lu is not a name", n->in.lineno);
    }
    /* 253 characters and a final dot; \DDD escapes may make the text longer */
    if (!why[0] && len > (memchr(text, '\\', len) ? 1000 : 254))
        snprintf(why, sizeof why, "a name is at most 253 characters, this one is %zu", len);
    if (why[0]) {
        r->source = NOT_A_NAME;
        r->failed = 1;
        r->status = NB_EXIT_NEGATIVE;
        nb_err_set(&r->err, NB_E_INVALID, "%s", why);
        return 1;
    }
    memcpy(r->input, text, len);
    r->input[len] = '\0';
    return 1;
}

/* Whether the next NAME can be had without waiting: an argument, a whole line
 * already read, the end of input, or input waiting on stdin (a terminal or a
 * pipe that trickles must not hold up the answers to the names before). */
static int names_ready(struct names *n)
{
    struct pollfd p = {.fd = 0, .events = POLLIN};
    struct nb_deadline now;
    struct nb_err e;

    if (!n->from_stdin || !n->open || n->in.eof ||
        memchr(n->in.buf + n->in.start, '\n', n->in.end - n->in.start))
        return 1;
    nb_deadline_init(&now, 0);
    return nb_sock_poll(&p, 1, &now, NULL, &e) != 0; /* an error: the read will say */
}

static void names_close(struct names *n)
{
    if (n->open)
        nb_lines_close(&n->in);
    n->open = 0;
}

/* One NAME at a time, each printed before the next is asked (--parallel 1,
 * --system, --tcp, or one NAME with --explain). */
static int resolve_each(struct names *n, struct resolve_opts *o)
{
    struct result *r = malloc(sizeof *r);
    struct nb_err e;
    int status = NB_EXIT_OK, got;

    if (!r) {
        nb_errorf("resolve", "out of memory");
        return NB_EXIT_SYS;
    }
    while ((got = names_next(n, r, &e)) > 0) {
        resolve_compute(o, r);
        status = worse(status, result_print(r, o));
        result_free(r);
        fflush(stdout);
    }
    if (got < 0)
        status = worse(status, nb_report("resolve", &e));
    free(r);
    return status;
}

/* --- many NAMEs in flight: the window ------------------------------------- */

/* A NAME's output, written when its search ended and kept until its turn. */
struct rendered {
    char *out, *err; /* stdout's bytes; the messages, each NUL-terminated */
    size_t outlen, errlen;
    long server; /* the header's server, or -1 */
    int status, done;
};

/* The NAMEs between the one read last and the oldest not yet printed. The
 * ones being looked up have a result each (pool: as many as the questions in
 * flight); the ones done wait as their output only (ring: the NAME numbered
 * k in slot k % w), so a slow NAME holds back at most w NAMEs of output. */
struct window {
    struct result *pool;
    size_t npool, *spare, nspare;
    struct rendered *ring;
    size_t w;
    unsigned long in, out; /* NAMEs taken; printed */
    struct resolve_opts *o;
    int status;
    int failed; /* out of memory while keeping an output */
};

/* A memory stream's buffer cut to its length (a waiting output costs only its bytes). */
static char *shrink(char *p, size_t len)
{
    char *q;

    if (p && len == 0) {
        free(p);
        return NULL;
    }
    q = p ? realloc(p, len + 1) : NULL;
    return q ? q : p;
}

/* A result is computed: printed now (--unordered), or written to memory for its turn. */
static void window_keep(struct window *w, struct result *r)
{
    struct rendered *k = &w->ring[r->seq % w->w];
    FILE *f, *err;

    if (w->o->unordered) {
        w->status = worse(w->status, result_print(r, w->o));
        w->out++;
    } else {
        k->server = header_server(r, w->o);
        k->status = r->status;
        f = open_memstream(&k->out, &k->outlen);
        err = f ? open_memstream(&k->err, &k->errlen) : NULL;
        if (err)
            result_write(r, w->o, f, err);
        if (!f || !err)
            w->failed = 1;
        if (f)
            fclose(f);
        if (err)
            fclose(err);
        k->out = shrink(k->out, k->outlen);
        k->err = shrink(k->err, k->errlen);
        k->done = 1;
    }
    result_free(r);
    w->spare[w->nspare++] = (size_t)(r - w->pool);
}

/* The batch is done with a NAME. */
static void window_done(void *arg, void *token, int rc, struct nb_lookup *l, size_t nl,
                        const struct nb_err *e)
{
    struct window *w = arg;
    struct result *r = &w->pool[(size_t)(uintptr_t)token];

    dns_finish(r, rc, l, nl, e);
    r->done = 1;
    window_keep(w, r);
}

/* Prints the oldest NAMEs that are done, in input order. */
static void window_print(struct window *w)
{
    while (!w->o->unordered && w->out < w->in && w->ring[w->out % w->w].done) {
        struct rendered *k = &w->ring[w->out % w->w];
        if (k->server >= 0)
            print_header(w->o, (size_t)k->server);
        if (k->outlen)
            fwrite(k->out, 1, k->outlen, stdout);
        for (size_t i = 0; i < k->errlen; i += strlen(k->err + i) + 1)
            nb_errorf("resolve", "%s", k->err + i);
        w->status = worse(w->status, k->status);
        free(k->out);
        free(k->err);
        memset(k, 0, sizeof *k);
        w->out++;
    }
    fflush(stdout);
}

/* Every NAME's questions kept in flight together, up to --parallel at once;
 * answers printed in input order (or as they come with --unordered). Memory
 * is the window's, whatever the number of NAMEs. */
static int resolve_window(struct names *n, struct resolve_opts *o, size_t count)
{
    struct window w = {.o = o};
    struct nb_resolver_batch *b = NULL;
    const struct nb_resolver_batch_done done = {window_done, &w};
    struct nb_err e;
    int more = 1;

    /* count: the NAMEs given as arguments (0: from stdin, as many as come) */
    w.npool = count && count < o->parallel ? count : o->parallel;
    w.w = o->parallel * 16 > 8192 ? (size_t)o->parallel * 16 : 8192;
    if (count && count < w.w)
        w.w = count;
    w.pool = calloc(w.npool, sizeof *w.pool);
    w.spare = malloc(w.npool * sizeof *w.spare);
    w.ring = calloc(w.w, sizeof *w.ring);
    if (!w.pool || !w.spare || !w.ring) {
        nb_errorf("resolve", "out of memory");
        w.status = NB_EXIT_SYS;
        goto out;
    }
    if (!(b = nb_resolver_batch_new(o->r,
                                    count && 2 * count < o->parallel ? 2 * count : o->parallel,
                                    w.npool, o->rate, &o->explain, &e))) {
        w.status = nb_report("resolve", &e);
        goto out;
    }
    for (size_t i = 0; i < w.npool; i++)
        w.spare[w.nspare++] = w.npool - 1 - i;
    nb_explainf(&o->explain,
                "up to %u questions in flight, up to %zu names waiting for their turn; answers "
                "printed %s%s",
                o->parallel, w.w, o->unordered ? "as they arrive" : "in input order",
                o->rate ? "; queries per second capped" : "");
    while ((more || w.out < w.in) && !w.failed) {
        while (more && w.in - w.out < w.w && w.nspare && nb_resolver_batch_room(b) > 0) {
            struct result *r;
            int got;
            /* wait for input only when nothing is in flight and everything is printed */
            if ((nb_resolver_batch_busy(b) || w.out < w.in) && !names_ready(n))
                break;
            r = &w.pool[w.spare[--w.nspare]];
            got = names_next(n, r, &e);
            if (got <= 0) {
                if (got < 0)
                    w.status = worse(w.status, nb_report("resolve", &e));
                w.nspare++;
                more = 0;
                break;
            }
            r->seq = w.in++;
            if (!resolve_prepare(o, r))
                window_keep(&w, r);
            else if (nb_resolver_batch_add(b, r->qname, r->types, r->ntypes,
                                           (void *)(uintptr_t)(r - w.pool), &done, &e) < 0)
                window_done(&w, (void *)(uintptr_t)(r - w.pool), -1, NULL, 0, &e);
        }
        window_print(&w);
        if (nb_resolver_batch_busy(b) && nb_resolver_batch_run(b, &done, &e) < 0) {
            w.status = worse(w.status, nb_report("resolve", &e));
            break;
        }
    }
    if (w.failed) {
        nb_errorf("resolve", "out of memory");
        w.status = worse(w.status, NB_EXIT_SYS);
    }
    if (nb_explaining(&o->explain)) {
        struct nb_dns_mux_stats st;
        nb_resolver_batch_stats(b, &st);
        nb_explainf(&o->explain,
                    "%lu names done: %lu queries answered, %lu failed, %lu datagrams sent, %lu "
                    "tries timed out, %lu asked again over TCP, %lu stray replies ignored",
                    w.out, st.answered, st.failed, st.sent, st.timeouts, st.tcp, st.ignored);
    }
out:
    nb_resolver_batch_free(b);
    for (size_t i = 0; w.pool && i < w.npool; i++)
        result_free(&w.pool[i]);
    for (size_t i = 0; w.ring && i < w.w; i++) {
        free(w.ring[i].out);
        free(w.ring[i].err);
    }
    free(w.pool);
    free(w.spare);
    free(w.ring);
    return w.status;
}

/* -t: the record type asked. */
static int set_type(void *dest, const char *value, struct nb_err *e)
{
    struct resolve_opts *o = dest;

    if (nb_dns_type_parse(value, &o->type, e) < 0)
        return -1;
    o->type_given = 1;
    return 0;
}

/* Whether an argument names a record type ("MX", "aaaa", "TYPE65"). */
static int is_type_word(const char *arg)
{
    uint16_t type;

    return nb_dns_type_parse(arg, &type, NULL) == 0;
}

/* dig's positional type: when another argument is a NAME (or '-'), each
 * argument that names a record type is the type, as -t; two different types
 * are refused. Returns 1 when type words are types, 0 when there is none or
 * they are the names, -1 with e set. */
static int positional_type(struct resolve_opts *o, int argc, char **argv, int argi,
                           struct nb_err *e)
{
    int names = 0, types = 0;
    char had[16], now[16];

    for (int i = argi; i < argc; i++)
        if (argv[i][0] != '@')
            is_type_word(argv[i]) ? types++ : names++;
    if (!types || !names)
        return 0;
    for (int i = argi; i < argc; i++) {
        uint16_t type;
        if (argv[i][0] == '@' || nb_dns_type_parse(argv[i], &type, NULL) < 0)
            continue;
        if (o->type_given && type != o->type)
            return nb_err_set(e, NB_E_INVALID, "two record types, %s and %s: ask one at a time",
                              nb_dns_type_name(o->type, had, sizeof had),
                              nb_dns_type_name(type, now, sizeof now));
        o->type = type;
        o->type_given = 1;
    }
    return 1;
}

int cmd_resolve(int argc, char **argv)
{
    struct resolve_opts o = {.type = NB_DNS_A,
                             .timeout_ms = -1,
                             .tcp = -1,
                             .search = -1,
                             .parallel = 100,
                             .conf = getenv("NB_RESOLV_CONF"),
                             .hosts = getenv("NB_HOSTS")};
    const struct nb_option options[] = {
        NB_OPT_CALLBACK('t', "type", &o, "TYPE", set_type,
                        "A, AAAA, CNAME, NS, PTR, MX, TXT, SOA, SRV, CAA, ANY"),
        NB_OPT_STRING('s', "server", &o.server, "IP[:PORT]",
                      "ask this server (also @IP as an argument); default: the nameserver lines "
                      "of resolv.conf"),
        NB_OPT_SECONDS(0, "timeout", &o.timeout_ms, "S", 300,
                       "wait per try (default from resolv.conf, else 5)"),
        NB_OPT_UINT(0, "retries", &o.retries, "N", 1, 10, "retries",
                    "rounds over the servers (default: attempts, else 2)"),
        NB_OPT_SET_INT(0, "tcp", &o.tcp, 1, "ask over TCP only"),
        NB_OPT_SET_INT(0, "no-tcp", &o.tcp, 0,
                       "UDP, and TCP only for a truncated reply (the default; overrides "
                       "resolv.conf's use-vc)"),
        NB_OPT_SET_INT(0, "search", &o.search, 1,
                       "try the search list of resolv.conf for a short name (the default)"),
        NB_OPT_SET_INT(0, "no-search", &o.search, 0, "ask for NAME as it is, as dig does"),
        NB_OPT_BOOL(0, "short", &o.short_out, "answers only, one per line, like dig +short"),
        NB_OPT__JSON(&o.json, "one JSON object per name"),
        NB_OPT_BOOL(0, "dns-only", &o.dns_only, "do not read the hosts file"),
        NB_OPT_BOOL(0, "system", &o.system,
                    "show what the system resolver, getaddrinfo, returns instead (Python's view)"),
        NB_OPT_STRING(0, "resolv-conf", &o.conf, "FILE",
                      "the resolv.conf to read (env NB_RESOLV_CONF)"),
        NB_OPT_STRING(0, "hosts", &o.hosts, "FILE", "the hosts file to read (env NB_HOSTS)"),
        NB_OPT__EXPLAIN(&o.explain, "the question, the server and the answer in words, on "
                                    "stderr; -xx adds the packets as annotated hex"),
        NB_OPT_UINT(0, "parallel", &o.parallel, "N", 1, NB_DNS_MUX_MAX, "questions",
                    "with several questions, keep up to N in flight (default 100; 1: one at a "
                    "time)"),
        NB_OPT_UINT(0, "rate", &o.rate, "QPS", 1, 1000000, "queries per second",
                    "send at most QPS queries per second (default: no cap)"),
        NB_OPT_BOOL(0, "unordered", &o.unordered,
                    "print each name's answer as it arrives, not in input order"),
        NB_OPT_CLASH("--short --json"),
        /* dig's words; the later of +tcp/+notcp or +search/+nosearch wins, as in dig */
        NB_OPT_PLUS("short", "--short"),
        NB_OPT_PLUS("json", "--json"),
        NB_OPT_PLUS("tcp", "--tcp"),
        NB_OPT_PLUS("notcp", "--no-tcp"),
        NB_OPT_PLUS("search", "--search"),
        NB_OPT_PLUS("nosearch", "--no-search"),
        NB_OPT_PLUS("time", "--timeout"),
        NB_OPT_PLUS("tries", "--retries"),
        NB_OPT_HABIT('p', NULL,
                     "dig's: here the port goes with the server, "
                     "@IP:PORT or -s IP:PORT"),
        NB_OPT_END,
    };
    struct nb_resolver r;
    struct nb_err e;
    int argi, status, names = 0, type_words;

    if ((status = cmd_options(options, USAGE, EPILOG, argc, argv, &argi)) != CMD_GO)
        return status;
    if ((type_words = positional_type(&o, argc, argv, argi, &e)) < 0)
        return cmd_usage("resolve", "%s", e.msg);
    status = NB_EXIT_OK;
    /* '@IP' arguments choose the server, as with dig */
    for (int i = argi; i < argc; i++)
        if (argv[i][0] == '@')
            o.server = argv[i] + 1;
    if (nb_resolver_init(&r, o.conf ? o.conf : "/etc/resolv.conf", o.hosts ? o.hosts : "/etc/hosts",
                         &e) < 0)
        return nb_report("resolve", &e);
    if (o.server && nb_resolver_set_server(&r, o.server, &e) < 0) {
        nb_resolver_free(&r);
        return cmd_usage("resolve", "option '--server': %s", e.msg);
    }
    if (o.timeout_ms > 0)
        r.copts.timeout_ms = o.timeout_ms;
    if (o.retries)
        r.copts.attempts = o.retries;
    if (o.tcp >= 0)
        r.copts.tcp = o.tcp;
    if (o.search == 0)
        r.conf.nsearch = 0;
    r.copts.x = &o.explain;
    o.r = &r;
    if (nb_explaining(&o.explain)) {
        char s[NB_SOCKADDR_TEXT_MAX + 8];
        server_text(&r, 0, s, sizeof s);
        nb_explainf(&o.explain,
                    "configuration: %s, first server %s, timeout %lld ms, %u "
                    "rounds, ndots %u, %zu search domain%s",
                    o.server ? "--server" : (o.conf ? o.conf : "/etc/resolv.conf"), s,
                    (long long)r.copts.timeout_ms, r.copts.attempts, r.conf.ndots, r.conf.nsearch,
                    r.conf.nsearch == 1 ? "" : "s");
    }
    for (int i = argi; i < argc; i++)
        if (!not_a_name(argv[i], type_words))
            names++;
    {
        struct names n = {.argv = argv,
                          .i = argi,
                          .argc = argc,
                          .type_words = type_words,
                          .from_stdin = names == 0};
        /* one question at a time when asked for, or where the window would not help */
        if (o.parallel <= 1 || o.system || r.copts.tcp || (names == 1 && nb_explaining(&o.explain)))
            status = resolve_each(&n, &o);
        else
            status = resolve_window(&n, &o, (size_t)names);
        names_close(&n);
    }
    nb_resolver_free(&r);
    return status;
}
