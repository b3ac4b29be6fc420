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

#include <getopt.h>
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
    "standard input.\n"
    "\n"
    "  -t, --type TYPE        A, AAAA, CNAME, NS, PTR, MX, TXT, SOA, SRV, CAA, ANY\n"
    "  -s, --server IP[:PORT] ask this server (also @IP as an argument);\n"
    "                         default: the nameserver lines of resolv.conf\n"
    "      --timeout S        wait per try (default from resolv.conf, else 5)\n"
    "      --retries N        rounds over the servers (default: attempts, else 2)\n"
    "      --tcp              ask over TCP only\n"
    "      --short            answers only, one per line, like dig +short\n"
    "  -j, --json             one JSON object per name\n"
    "      --dns-only         do not read the hosts file\n"
    "      --system           show what the system resolver, getaddrinfo, returns\n"
    "                         instead (Python's view)\n"
    "      --resolv-conf FILE the resolv.conf to read (env NB_RESOLV_CONF)\n"
    "      --hosts FILE       the hosts file to read (env NB_HOSTS)\n"
    "  -x, --explain          the query and the reply as annotated hex, on stderr\n"
    "  -h, --help             this help\n"
    "\n"
    "Exit status: 0 found, 1 no such name (NXDOMAIN) or no record of that type,\n"
    "2 usage error, 3 no name server answered, 5 malformed reply, 7 timed out.\n";

struct resolve_opts {
    uint16_t type;
    int type_given, short_out, json, dns_only, system;
    struct nb_explain explain;
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

static void print_header(struct resolve_opts *o, size_t server)
{
    char s[NB_SOCKADDR_TEXT_MAX + 8], *hash;

    if (o->header_shown || o->short_out || o->json)
        return;
    o->header_shown = 1;
    server_text(o->r, server, s, sizeof s);
    hash = strrchr(s, '#');
    printf("Server:\t\t%.*s\nAddress:\t%s\n\n", (int)(hash ? hash - s : 0), s, s);
}

/* Whether rr answers l's question: of its type, owned by the chain's end. */
static int is_answer(const struct nb_lookup *l, const struct nb_dns_rr *rr)
{
    return rr->section == NB_DNS_ANSWER && nb_dns_name_eq(rr->name, l->final) &&
           (rr->type == l->type || l->type == NB_DNS_ANY);
}

static int json_answers(struct nb_json *j, const struct nb_lookup *l)
{
    char tname[16];

    for (size_t i = 0; i < l->msg.nrr; i++) {
        const struct nb_dns_rr *rr = &l->msg.rr[i];
        if (!is_answer(l, rr))
            continue;
        nb_json_open(j, NULL, '{');
        nb_json_str(j, "name", rr->name);
        nb_json_str(j, "type", nb_dns_type_name(rr->type, tname, sizeof tname));
        nb_json_uint(j, "ttl", rr->ttl);
        nb_json_str(j, "data", rr->data);
        nb_json_close(j, '}');
    }
    return 0;
}

/* The length of a name without its final dot, as nslookup shows owners. */
static int undotted(const char *name)
{
    size_t n = strlen(name);

    return (int)(n > 1 && name[n - 1] == '.' ? n - 1 : n);
}

/* Prints one lookup's records the nslookup way; chain hops already printed
 * (for the other type of the same name) are skipped. */
static void print_lookup(const struct nb_lookup *l, struct resolve_opts *o, int *chain_done)
{
    char tname[16];

    if (!*chain_done) {
        for (size_t i = 0; i < l->nchain; i++) {
            if (o->short_out)
                printf("%s\n", l->chain[i]->target);
            else
                printf("%.*s\tcanonical name = %s\n", undotted(l->chain[i]->name),
                       l->chain[i]->name, l->chain[i]->target);
        }
        *chain_done = 1;
    }
    for (size_t i = 0; i < l->msg.nrr; i++) {
        const struct nb_dns_rr *rr = &l->msg.rr[i];
        const char *ph;
        if (!is_answer(l, rr))
            continue;
        if (o->short_out) {
            printf("%s\n", rr->data);
            continue;
        }
        if (rr->type == NB_DNS_A || rr->type == NB_DNS_AAAA) {
            printf("Name:\t%.*s\nAddress: %s\n", undotted(rr->name), rr->name, rr->data);
            continue;
        }
        ph = phrase(rr->type);
        printf("%.*s\t%s = %s\n", undotted(rr->name), rr->name,
               ph ? ph : nb_dns_type_name(rr->type, tname, sizeof tname), rr->data);
    }
}

/* One answer found in the hosts file, for --json. */
struct hosts_row {
    const char *name, *type;
    char data[NB_CONF_NAME_MAX];
};

/* Prints the hosts file's answers for input as one JSON object. */
static void hosts_json(const char *input, const struct resolve_opts *o,
                       const struct hosts_row *rows, size_t n)
{
    struct nb_json j;

    nb_json_begin(&j, stdout);
    nb_json_str(&j, "name", input);
    nb_json_str(&j, "source", "hosts");
    nb_json_str(&j, "file", o->r->hosts_path);
    nb_json_open(&j, "answers", '[');
    for (size_t i = 0; i < n; i++) {
        nb_json_open(&j, NULL, '{');
        nb_json_str(&j, "name", rows[i].name);
        nb_json_str(&j, "type", rows[i].type);
        nb_json_str(&j, "data", rows[i].data);
        nb_json_close(&j, '}');
    }
    nb_json_close(&j, ']');
    nb_json_end(&j);
}

/* The hosts file's answer, if it has one: returns 1 and prints it. */
static int from_hosts(const char *name, struct resolve_opts *o)
{
    struct nb_hosts_match m[16];
    size_t n;
    int fam = !o->type_given ? 0 : o->type == NB_DNS_A ? 4 : o->type == NB_DNS_AAAA ? 6 : 0;
    char t[NB_ADDR_TEXT_MAX];

    if (o->dns_only || !o->r->hosts || (o->type_given && fam == 0))
        return 0;
    n = nb_hosts_lookup(o->r->hosts, o->r->hosts_len, name, fam, m, 16);
    if (n == 0)
        return 0;
    nb_explainf(&o->explain, "%s is in the hosts file %s (line %u): no name server is asked", name,
                o->r->hosts_path, m[0].line);
    if (o->json) {
        struct hosts_row rows[16];
        for (size_t i = 0; i < n; i++) {
            rows[i].name = m[i].canonical;
            rows[i].type = m[i].addr.family == 4 ? "A" : "AAAA";
            nb_addr_format(&m[i].addr, rows[i].data, sizeof rows[i].data);
        }
        hosts_json(name, o, rows, n);
        return 1;
    }
    if (o->short_out) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", nb_addr_format(&m[i].addr, t, sizeof t));
        return 1;
    }
    printf("From the hosts file %s (no name server asked):\n", o->r->hosts_path);
    for (size_t i = 0; i < n; i++)
        printf("Name:\t%s\nAddress: %s\n", m[i].canonical, nb_addr_format(&m[i].addr, t, sizeof t));
    printf("(nslookup asks DNS only and may say NXDOMAIN here; Python's getaddrinfo reads the "
           "hosts file first, as this does. --dns-only asks DNS.)\n");
    return 1;
}

/* The hosts file's names for an address, if it has any: returns 1 and prints
 * them the way a PTR answer is printed. */
static int reverse_from_hosts(const char *input, const struct nb_addr *a, const char *rname,
                              struct resolve_opts *o)
{
    char names[8][NB_CONF_NAME_MAX];
    size_t n;

    if (o->dns_only || !o->r->hosts)
        return 0;
    n = nb_hosts_reverse(o->r->hosts, o->r->hosts_len, a, names, 8);
    if (n == 0)
        return 0;
    nb_explainf(&o->explain, "%s is in the hosts file %s: no name server is asked", input,
                o->r->hosts_path);
    if (o->json) {
        struct hosts_row rows[8];
        for (size_t i = 0; i < n; i++) {
            rows[i].name = rname;
            rows[i].type = "PTR";
            snprintf(rows[i].data, sizeof rows[i].data, "%s", names[i]);
        }
        hosts_json(input, o, rows, n);
        return 1;
    }
    if (!o->short_out)
        printf("From the hosts file %s (no name server asked):\n", o->r->hosts_path);
    for (size_t i = 0; i < n; i++) {
        if (o->short_out)
            printf("%s.\n", names[i]);
        else
            printf("%.*s\tname = %s.\n", (int)strlen(rname) - 1, rname, names[i]);
    }
    return 1;
}

static int system_view(const char *name, struct resolve_opts *o)
{
    struct nb_sockaddr list[NB_RESOLVE_MAX];
    size_t count;
    struct nb_err e;
    char t[NB_ADDR_TEXT_MAX];
    int fam = o->type == NB_DNS_A ? 4 : o->type == NB_DNS_AAAA ? 6 : 0;

    if (nb_sock_resolve(name, 0, fam, SOCK_STREAM, list, NB_RESOLVE_MAX, &count, &o->explain,
                        &e) < 0)
        return nb_report("resolve", &e);
    if (!o->short_out && !o->json)
        printf("The system resolver, getaddrinfo, for %s (Python's view):\n", name);
    for (size_t i = 0; i < count; i++) {
        struct nb_addr a;
        if (nb_sockaddr_to_addr(&list[i], &a, NULL, NULL) < 0)
            continue;
        nb_addr_format(&a, t, sizeof t);
        if (o->json) {
            struct nb_json j;
            nb_json_begin(&j, stdout);
            nb_json_str(&j, "name", name);
            nb_json_str(&j, "source", "getaddrinfo");
            nb_json_str(&j, "address", t);
            nb_json_end(&j);
        } else if (o->short_out) {
            printf("%s\n", t);
        } else {
            printf("Name:\t%s\nAddress: %s\n", name, t);
        }
    }
    return NB_EXIT_OK;
}

/* Looks one name up; returns its exit status. */
static int resolve_one(const char *input, struct resolve_opts *o)
{
    uint16_t types[2] = {NB_DNS_A, NB_DNS_AAAA};
    size_t ntypes = 2, found = 0;
    char name[NB_DNS_NAME_TEXT], tname[16];
    struct nb_addr a;
    struct nb_err e;
    int chain_done = 0, status = NB_EXIT_OK, nx = 0;
    static char chain[NB_DNS_MAX_CHAIN][NB_DNS_NAME_TEXT];
    size_t nchain = 0;
    struct nb_json j;

    if (strlen(input) > (strchr(input, '\\') ? 1000 : 254)) {
        /* 253 characters and a final dot; \DDD escapes may make the text longer */
        nb_errorf("resolve", "a name is at most 253 characters, this one is %zu", strlen(input));
        return NB_EXIT_NEGATIVE;
    }
    snprintf(name, sizeof name, "%s", input);
    if (o->system)
        return system_view(name, o);
    if (nb_addr_parse(input, strlen(input), &a, NULL) == 0) {
        /* an address: the reverse lookup, in-addr.arpa or ip6.arpa */
        a.zone[0] = '\0';
        nb_dns_reverse_name(&a, name, sizeof name);
        if ((!o->type_given || o->type == NB_DNS_PTR) && reverse_from_hosts(input, &a, name, o))
            return NB_EXIT_OK;
        types[0] = NB_DNS_PTR;
        ntypes = 1;
    } else if (from_hosts(input, o)) {
        return NB_EXIT_OK;
    }
    if (o->type_given) {
        types[0] = o->type;
        ntypes = 1;
    }
    if (o->json) {
        nb_json_begin(&j, stdout);
        nb_json_str(&j, "name", input);
        nb_json_str(&j, "source", "dns");
        nb_json_open(&j, "answers", '[');
    }
    for (size_t t = 0; t < ntypes; t++) {
        struct nb_lookup l;
        if (nb_resolver_query(o->r, name, types[t], &l, &e) < 0) {
            nb_lookup_free(&l);
            if (o->json) {
                nb_json_close(&j, ']');
                nb_json_str(&j, "error", e.msg);
                nb_json_end(&j);
            }
            nb_errorf("resolve", "%s: %s", input, e.msg);
            return nb_exit_code(e.code);
        }
        print_header(o, l.info.server);
        if (l.info.truncated)
            nb_errorf("resolve", "%s: the reply was truncated even over TCP: some records may be "
                                 "missing", input);
        if (!o->short_out && !o->json && t == 0 && l.msg.rcode == NB_DNS_NOERROR)
            printf("%s", l.msg.aa ? "Authoritative answer:\n" : "Non-authoritative answer:\n");
        if (l.msg.rcode == NB_DNS_NXDOMAIN) {
            nx = 1;
            nb_lookup_free(&l);
            break;
        }
        if (l.msg.rcode != NB_DNS_NOERROR) {
            nb_errorf("resolve", "%s: the server answered %s", input,
                      nb_dns_rcode_name(l.msg.rcode, tname, sizeof tname));
            nb_lookup_free(&l);
            status = NB_EXIT_RESOLVE;
            break;
        }
        if (o->json) {
            json_answers(&j, &l);
            if (!chain_done && l.nchain) {
                /* the canonical chain once, after the answers' array is closed below */
                for (size_t k = 0; k < l.nchain && nchain < NB_DNS_MAX_CHAIN; k++)
                    snprintf(chain[nchain++], sizeof chain[0], "%s", l.chain[k]->target);
                chain_done = 1;
            }
        } else {
            print_lookup(&l, o, &chain_done);
        }
        found += l.nanswers;
        if (!l.nanswers && ntypes == 1)
            nb_errorf("resolve", "%s has no %s record", input,
                      nb_dns_type_name(types[t], tname, sizeof tname));
        nb_lookup_free(&l);
    }
    if (o->json) {
        nb_json_close(&j, ']');
        nb_json_open(&j, "canonical_names", '[');
        for (size_t k = 0; k < nchain; k++)
            nb_json_str(&j, NULL, chain[k]);
        nb_json_close(&j, ']');
        if (nx)
            nb_json_str(&j, "error", "NXDOMAIN");
        nb_json_end(&j);
    }
    if (nx) {
        nb_errorf("resolve", "%s: not found: the server says NXDOMAIN, no such name", input);
        return NB_EXIT_NEGATIVE;
    }
    if (status)
        return status;
    if (found == 0) {
        if (ntypes == 2)
            nb_errorf("resolve", "%s has no A or AAAA record", input);
        return NB_EXIT_NEGATIVE;
    }
    if (!o->short_out && !o->json)
        putchar('\n');
    return NB_EXIT_OK;
}

int cmd_resolve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"type", required_argument, NULL, 't'},      {"server", required_argument, NULL, 's'},
        {"timeout", required_argument, NULL, 'T'},   {"retries", required_argument, NULL, 'R'},
        {"tcp", no_argument, NULL, 'C'},             {"short", no_argument, NULL, 'S'},
        {"json", no_argument, NULL, 'j'},            {"dns-only", no_argument, NULL, 'D'},
        {"system", no_argument, NULL, 'Y'},          {"resolv-conf", required_argument, NULL, 'F'},
        {"hosts", required_argument, NULL, 'H'},     {"explain", no_argument, NULL, 'x'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
    };
    struct resolve_opts o = {.type = NB_DNS_A};
    struct nb_resolver r;
    struct nb_err e;
    const char *server = NULL, *conf = getenv("NB_RESOLV_CONF"), *hosts = getenv("NB_HOSTS");
    int64_t timeout_ms = -1;
    uint64_t retries = 0;
    int ch, tcp = 0, status = NB_EXIT_OK, names = 0;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":t:s:jxh", longopts, NULL)) != -1) {
        switch (ch) {
        case 't':
            if (nb_dns_type_parse(optarg, &o.type, &e) < 0)
                return nb_errorf("resolve", "%s", e.msg), NB_EXIT_USAGE;
            o.type_given = 1;
            break;
        case 's':
            server = optarg;
            break;
        case 'T':
            if (nb_parse_seconds(optarg, 300, 0, &timeout_ms, &e) < 0)
                return nb_errorf("resolve", "--timeout: %s", e.msg), NB_EXIT_USAGE;
            break;
        case 'R':
            if (nb_parse_uint(optarg, 1, 10, "retries", &retries, &e) < 0)
                return nb_errorf("resolve", "--retries: %s", e.msg), NB_EXIT_USAGE;
            break;
        case 'C':
            tcp = 1;
            break;
        case 'S':
            o.short_out = 1;
            break;
        case 'j':
            o.json = 1;
            break;
        case 'D':
            o.dns_only = 1;
            break;
        case 'Y':
            o.system = 1;
            break;
        case 'F':
            conf = optarg;
            break;
        case 'H':
            hosts = optarg;
            break;
        case 'x':
            o.explain.fn = nb_explain_to_stderr;
            break;
        case 'h':
            fputs(USAGE, stdout);
            return NB_EXIT_OK;
        default:
            return cmd_bad_option("resolve", ch, argv);
        }
    }
    if (o.short_out && o.json) {
        nb_errorf("resolve", "cannot use --short and --json together");
        return NB_EXIT_USAGE;
    }
    /* '@IP' arguments choose the server, as with dig */
    for (int i = optind; i < argc; i++)
        if (argv[i][0] == '@')
            server = argv[i] + 1;
    if (nb_resolver_init(&r, conf ? conf : "/etc/resolv.conf", hosts ? hosts : "/etc/hosts",
                         &e) < 0)
        return nb_report("resolve", &e);
    if (server && nb_resolver_set_server(&r, server, &e) < 0) {
        nb_resolver_free(&r);
        nb_errorf("resolve", "--server: %s", e.msg);
        return NB_EXIT_USAGE;
    }
    if (timeout_ms > 0)
        r.copts.timeout_ms = timeout_ms;
    if (retries)
        r.copts.attempts = (unsigned)retries;
    if (tcp)
        r.copts.tcp = 1;
    r.copts.x = &o.explain;
    o.r = &r;
    if (nb_explaining(&o.explain)) {
        char s[NB_SOCKADDR_TEXT_MAX + 8];
        server_text(&r, 0, s, sizeof s);
        nb_explainf(&o.explain, "configuration: %s, first server %s, timeout %lld ms, %u "
                                "rounds, ndots %u, %zu search domain%s",
                    server ? "--server" : (conf ? conf : "/etc/resolv.conf"), s,
                    (long long)r.copts.timeout_ms, r.copts.attempts, r.conf.ndots,
                    r.conf.nsearch, r.conf.nsearch == 1 ? "" : "s");
    }
    for (int i = optind; i < argc; i++) {
        int st;
        if (argv[i][0] == '@' || !strcmp(argv[i], "-"))
            continue;
        names++;
        st = resolve_one(argv[i], &o);
        if (st > status || (status == NB_EXIT_OK && st))
            status = st;
    }
    if (names == 0) {
        struct nb_lines in;
        const char *line;
        size_t len;
        int toolong, got;
        char buf[NB_LINE_MAX + 1];
        if (nb_lines_open(&in, 0, &e) < 0) {
            nb_resolver_free(&r);
            return nb_report("resolve", &e);
        }
        while ((got = nb_lines_next(&in, 1, &line, &len, &toolong, &e)) > 0) {
            int st;
            while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
                len--;
            if (len == 0)
                continue;
            memcpy(buf, line, len);
            buf[len] = '\0';
            if (toolong || memchr(buf, '\0', len)) {
                nb_errorf("resolve", "line %lu is not a name", in.lineno);
                st = NB_EXIT_NEGATIVE;
            } else {
                st = resolve_one(buf, &o);
            }
            if (st > status || (status == NB_EXIT_OK && st))
                status = st;
            fflush(stdout);
        }
        nb_lines_close(&in);
        if (got < 0)
            status = nb_report("resolve", &e);
    }
    nb_resolver_free(&r);
    return status;
}
