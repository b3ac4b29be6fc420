/* ports.c - `netbasics ports`: the lesson's `netstat -an`: this machine's TCP
 * and UDP sockets, IPv4 and IPv6, their state, addresses and owners. */
#include "cmd/cmd.h"

#include <netbasics/addr.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/io.h>
#include <netbasics/procnet.h>
#include <netbasics/procscan.h>

#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: netbasics ports [OPTIONS]\n"
    "\n"
    "The lesson's 'netstat -an': every TCP and UDP socket on this machine, IPv4\n"
    "and IPv6, with its state, local and remote address and port, and the\n"
    "process that holds it where this user may see it. Read from /proc/net\n"
    "(Linux only). netstat's and ss's letters mean what they mean there: -a, -n,\n"
    "-t, -u, -l, -p, -e, -4, -6 (so 'ports -an' and 'ports -tulpn' work); the\n"
    "port filter is -P/--port.\n";

static const char EPILOG[] =
    "Exit status: 0 listed (even none), 2 usage error, 6 /proc cannot be read.\n";

struct ports_opts {
    int listening, tcp, udp, family, json, port, extended;
    int all, numeric, program; /* netstat's -a, -n, -p: what ports always does */
    unsigned state;            /* 0: any */
    const char *proc;
};

/* The kernel's socket tables under /proc, in the order they are listed. */
static const struct {
    const char *file;
    int family, tcp;
    const char *proto;
} TABLES[] = {
    {"net/tcp", 4, 1, "tcp"},
    {"net/tcp6", 6, 1, "tcp6"},
    {"net/udp", 4, 0, "udp"},
    {"net/udp6", 6, 0, "udp6"},
};

/* One socket to list: its table's protocol, the kernel's line, its holder. */
struct port_row {
    const char *proto;
    struct nb_procnet_entry en;
    const struct nb_socket_owner *owner; /* NULL: no inode (TIME_WAIT), or not ours to see */
};

/* The sockets that passed the filters, computed before anything is printed. */
struct port_list {
    struct port_row *rows;
    size_t n, cap;
    struct nb_socket_owner *owners; /* what the rows' owner fields point into */
    size_t nowners;
};

static const struct nb_socket_owner *owner_of(const struct port_list *l, unsigned long inode)
{
    for (size_t i = 0; inode && i < l->nowners; i++)
        if (l->owners[i].inode == inode)
            return &l->owners[i];
    return NULL;
}

/* Whether a socket passes the options' filters. */
static int wanted(const struct ports_opts *o, const struct nb_procnet_entry *en)
{
    if (o->listening && en->state != (en->tcp ? 0x0Au : 7u))
        return 0;
    if (o->state && en->state != o->state)
        return 0;
    return o->port < 0 || en->lport == o->port || en->rport == o->port;
}

static int list_add(struct port_list *l, const char *proto, const struct nb_procnet_entry *en)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 64;
        struct port_row *p = realloc(l->rows, ncap * sizeof *p);
        if (!p)
            return -1;
        l->rows = p;
        l->cap = ncap;
    }
    l->rows[l->n].proto = proto;
    l->rows[l->n].en = *en;
    l->rows[l->n].owner = owner_of(l, en->inode);
    l->n++;
    return 0;
}

/* Adds the wanted sockets of one kernel table (a missing table lists nothing:
 * no IPv6 on this machine, say). Returns 0, or -1 with e set on no memory. */
static int read_table(const struct ports_opts *o, size_t k, const struct nb_explain *x,
                      struct port_list *l, struct nb_err *e)
{
    char path[512], *text = NULL, *line, *next;
    size_t len;
    struct nb_err ignored;

    snprintf(path, sizeof path, "%s/%s", o->proc, TABLES[k].file);
    if (nb_file_read(path, 64u << 20, &text, &len, &ignored) < 0)
        return 0;
    nb_explainf(x,
                "read %s — the kernel's table of %s sockets: one line each, addresses "
                "in hex, state %s",
                path, TABLES[k].proto,
                TABLES[k].tcp ? "0A = LISTEN, 01 = ESTABLISHED" : "07 = unconnected");
    line = strchr(text, '\n'); /* the header line */
    for (line = line ? line + 1 : text + len; *line; line = next) {
        struct nb_procnet_entry en;
        next = strchr(line, '\n');
        next = next ? next + 1 : line + strlen(line);
        if (nb_procnet_parse(line, (size_t)(next - line), TABLES[k].family, TABLES[k].tcp, &en,
                             NULL) < 0 ||
            !wanted(o, &en))
            continue;
        if (list_add(l, TABLES[k].proto, &en) < 0) {
            free(text);
            return nb_err_sys(e, NB_E_SYS, ENOMEM, "out of memory");
        }
    }
    free(text);
    return 0;
}

/* Lists this machine's sockets as the options filter them, with their
 * holders. Returns 0, or -1 with e set. */
static int ports_compute(const struct ports_opts *o, const struct nb_explain *x,
                         struct port_list *l, struct nb_err *e)
{
    char net[512];
    struct stat st;

    snprintf(net, sizeof net, "%s/net", o->proc);
    if (stat(net, &st) < 0 || !S_ISDIR(st.st_mode))
        return nb_err_set(e, NB_E_SYS,
                          "cannot read %s: ports reads Linux's /proc and works only there", net);
    if (nb_socket_owners(o->proc, &l->owners, &l->nowners, e) < 0)
        return -1;
    nb_explainf(x,
                "readlink(%s/PID/fd/N) = socket:[INODE] — %zu open sockets found in the "
                "processes this user may look at",
                o->proc, l->nowners);
    for (size_t k = 0; k < sizeof TABLES / sizeof TABLES[0]; k++) {
        /* -t and -u add up, as in netstat; neither: both */
        if ((o->tcp != o->udp && (o->tcp ? !TABLES[k].tcp : TABLES[k].tcp)) ||
            (o->family && o->family != TABLES[k].family))
            continue;
        if (read_table(o, k, x, l, e) < 0)
            return -1;
    }
    return 0;
}

static void list_free(struct port_list *l)
{
    free(l->rows);
    free(l->owners);
}

static void endpoint_text(const struct nb_addr *a, uint16_t port, int remote, char *buf, size_t n)
{
    char t[NB_ADDR_TEXT_MAX];

    nb_addr_format(a, t, sizeof t);
    if (remote && port == 0)
        snprintf(buf, n, a->family == 4 ? "%s:*" : "[%s]:*", t);
    else
        snprintf(buf, n, a->family == 4 ? "%s:%u" : "[%s]:%u", t, port);
}

/* netstat's table (-e: with its User and Inode columns, numeric). Process
 * names come escaped from the core (nb_escape). */
static void print_table(const struct port_list *l, int extended)
{
    struct nb_table t;

    nb_table_init(&t, extended ? 7 : 5);
    if (extended)
        nb_table_addf(&t, "Proto\tLocal Address\tForeign Address\tState\tUser\tInode\tPID/Program");
    else
        nb_table_addf(&t, "Proto\tLocal Address\tForeign Address\tState\tPID/Program");
    for (size_t i = 0; i < l->n; i++) {
        const struct port_row *r = &l->rows[i];
        char loc[80], rem[80], own[64];
        endpoint_text(&r->en.local, r->en.lport, 0, loc, sizeof loc);
        endpoint_text(&r->en.remote, r->en.rport, 1, rem, sizeof rem);
        if (r->owner)
            snprintf(own, sizeof own, "%ld/%s", r->owner->pid, r->owner->comm);
        else
            snprintf(own, sizeof own, "-");
        if (extended)
            nb_table_addf(&t, "%s\t%s\t%s\t%s\t%lu\t%lu\t%s", r->proto, loc, rem,
                          nb_procnet_state_name(r->en.tcp, r->en.state), r->en.uid, r->en.inode,
                          own);
        else
            nb_table_addf(&t, "%s\t%s\t%s\t%s\t%s", r->proto, loc, rem,
                          nb_procnet_state_name(r->en.tcp, r->en.state), own);
    }
    nb_table_print(&t, stdout, "");
    nb_table_free(&t);
}

/* One JSON object per socket. */
static void print_json(const struct port_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct port_row *r = &l->rows[i];
        struct nb_json j;
        char a[NB_ADDR_TEXT_MAX];
        nb_json_begin(&j, stdout);
        nb_json_str(&j, "proto", r->proto);
        nb_json_str(&j, "local_address", nb_addr_format(&r->en.local, a, sizeof a));
        nb_json_int(&j, "local_port", r->en.lport);
        nb_json_str(&j, "remote_address", nb_addr_format(&r->en.remote, a, sizeof a));
        nb_json_int(&j, "remote_port", r->en.rport);
        nb_json_str(&j, "state", nb_procnet_state_name(r->en.tcp, r->en.state));
        nb_json_uint(&j, "inode", r->en.inode);
        if (r->owner) {
            nb_json_int(&j, "pid", r->owner->pid);
            nb_json_str(&j, "program", r->owner->comm);
        }
        nb_json_end(&j);
    }
}

/* --state: a state's name, as the number /proc/net writes (never 0). */
static int parse_state(void *dest, const char *value, struct nb_err *e)
{
    return nb_procnet_state_parse(value, dest, e);
}

/* -s: netstat's and ss's statistics, which ports does not keep. */
static int refuse_statistics(void *dest, const char *value, struct nb_err *e)
{
    (void)dest;
    (void)value;
    return nb_err_set(e, NB_E_INVALID,
                      "netstat's and ss's protocol statistics are not in ports (see 'nstat' or "
                      "'ss -s'); the state filter is --state");
}

int cmd_ports(int argc, char **argv)
{
    struct ports_opts o = {.port = -1, .proc = getenv("NB_PROC")};
    struct nb_explain x = {0};
    const struct nb_option options[] = {
        NB_OPT_BOOL('a', "all", &o.all,
                    "every socket, listening or not: the default here (netstat lists no "
                    "listening socket without -a)"),
        NB_OPT_BOOL('l', "listening", &o.listening,
                    "only listening sockets (TCP LISTEN, unconnected UDP)"),
        NB_OPT_BOOL('t', "tcp", &o.tcp, "TCP (with -u: TCP and UDP; neither: both)"),
        NB_OPT_BOOL('u', "udp", &o.udp, "UDP"),
        NB_OPT__FAMILY(&o.family, "IPv4 or IPv6 only"),
        NB_OPT_BOOL('n', "numeric", &o.numeric,
                    "numeric addresses and ports: the default, ports never looks names up"),
        NB_OPT_BOOL('p', "program", &o.program,
                    "the PID/Program column: always shown (the port filter is -P)"),
        NB_OPT_BOOL('e', "extend", &o.extended, "also the User (uid) and Inode columns"),
        NB_OPT_UINT('P', "port", &o.port, "N", 0, 65535, "port",
                    "only sockets with N as local or remote port"),
        NB_OPT_CALLBACK(0, "state", &o.state, "S", parse_state,
                        "only sockets in state S (LISTEN, ESTABLISHED, TIME_WAIT...)"),
        NB_OPT_CALLBACK('s', "statistics", NULL, NULL, refuse_statistics,
                        "refused: netstat's statistics are not kept here"),
        NB_OPT__JSON(&o.json, "one JSON object per socket"),
        NB_OPT_STRING(0, "proc", &o.proc, "DIR", "read DIR instead of /proc (env NB_PROC)"),
        NB_OPT__EXPLAIN(&x, "say which kernel tables are read, and what they hold"),
        NB_OPT_ARGS(0, 0, "no arguments (filters are options)"),
        NB_OPT_END,
    };
    struct port_list l = {0};
    struct nb_err e;
    int argi, rc;

    if ((rc = cmd_options(options, USAGE, EPILOG, argc, argv, &argi)) != CMD_GO)
        return rc;
    if (!o.proc)
        o.proc = "/proc";
    if (ports_compute(&o, &x, &l, &e) < 0) {
        list_free(&l);
        return nb_report("ports", &e);
    }
    if (o.json)
        print_json(&l);
    else
        print_table(&l, o.extended);
    list_free(&l);
    return NB_EXIT_OK;
}
