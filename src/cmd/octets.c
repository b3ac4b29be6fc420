/* octets.c - `netbasics octets`: an address as the lesson's octet table, in
 * decimal, binary and hex; CIDR blocks; reverse input; the octet quiz. */
#include "cmd/cmd.h"

#include <netbasics/addr.h>
#include <netbasics/bits.h>
#include <netbasics/lines.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/sock.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char USAGE[] =
    "usage: netbasics octets [OPTIONS] [ADDR...]\n"
    "       netbasics octets --quiz [--seed N] [--count N]\n"
    "\n"
    "Shows each address the way the lesson does: every octet in decimal, binary\n"
    "(with the place values 128 64 32 16 8 4 2 1 that add up to it) and hex, the\n"
    "32-bit integer, and the address's special-purpose kind (loopback, private...).\n"
    "ADDR is an IPv4 or IPv6 address, a CIDR block (192.168.1.0/24: mask, network,\n"
    "broadcast, hosts), a 32-bit integer (3115099576), 0x hex, or binary\n"
    "(10111001.10101100.10100101.10111000), or a host name (each of its addresses;\n"
    "-n forbids the lookup). A netmask may stand for the prefix, as ipcalc takes it:\n"
    "192.168.1.7/255.255.255.0, or ADDR MASK as two words, is 192.168.1.7/24.\n"
    "With no ADDR or '-', reads one per line from standard input.\n";

static const char EPILOG[] =
    "Exit status: 0 all addresses were valid, 1 some were not (the others are still\n"
    "shown), 2 usage error. With --quiz: 0 all answers right, 1 some wrong.\n";

struct octets_opts {
    int json;
    const char *color;
    int quiz;
    int count;
    int numeric;   /* -n: never look a name up */
    uint64_t seed; /* --seed, else from the clock */
    struct nb_explain explain;
    const struct nb_colors *c;
    int *shown; /* results printed so far, to separate them with a blank line */
};

/* A blank line between two results, none before the first. */
static void separate(const struct octets_opts *o)
{
    if ((*o->shown)++ && !o->json)
        putchar('\n');
}

/* Prints the first part of an untrusted input, escaped, for an error line. */
static void input_error(const char *s, size_t len, const struct nb_err *e, int json)
{
    char shown[96];
    size_t need = nb_escape(s, len > 48 ? 48 : len, NB_ESC_C, shown, sizeof shown);

    nb_errorf("octets", "'%s%s': %s", shown, len > 48 || need >= sizeof shown ? "..." : "", e->msg);
    if (json) {
        struct nb_json j;
        nb_json_begin(&j, stdout);
        nb_json_strn(&j, "input", s, len);
        nb_json_bool(&j, "valid", 0);
        nb_json_str(&j, "error", e->msg);
        nb_json_end(&j);
    }
}

/* The registry's "Globally Reachable" flag in words. */
static const char *reach_text(enum nb_reach r)
{
    return r == NB_REACH_YES  ? "yes: globally reachable, as the IANA registry says"
           : r == NB_REACH_NO ? "no: not globally reachable, as the IANA registry says"
                              : "n/a: the IANA registry gives no answer for this block";
}

static void print_kind(const struct nb_addr_kind *k, const struct octets_opts *o)
{
    if (!k) {
        printf("  kind      several: the block holds addresses of more than one special-purpose "
               "kind\n");
        return;
    }
    if (k->block[0])
        printf("  kind      %s%s%s (%s, %s): %s\n", o->c->bold, k->kind, o->c->reset, k->block,
               k->rfc, k->about);
    else
        printf("  kind      %s%s%s: %s\n", o->c->bold, k->kind, o->c->reset, k->about);
    printf("  reachable %s\n", k->block[0] ? reach_text(k->reach) : "yes: in no special block");
}

static void json_common(struct nb_json *j, const char *in, size_t len, const struct nb_addr *a,
                        const struct nb_addr_kind *k)
{
    char txt[NB_ADDR_TEXT_MAX], hex[40];
    int nbytes = a->family == 4 ? 4 : 16;

    nb_json_strn(j, "input", in, len);
    nb_json_bool(j, "valid", 1);
    nb_json_int(j, "family", a->family);
    nb_json_str(j, "address", nb_addr_format(a, txt, sizeof txt));
    for (int i = 0; i < nbytes; i++)
        snprintf(hex + 2 * i, 3, "%02x", a->b[i]);
    nb_json_str(j, "bytes", hex);
    nb_json_str(j, "kind", k ? k->kind : "several");
    if (k && k->block[0])
        nb_json_str(j, "block", k->block);
    if (k)
        nb_json_str(j, "globally_reachable",
                    k->reach == NB_REACH_YES  ? "yes"
                    : k->reach == NB_REACH_NO ? "no"
                                              : "n/a");
}

static void show_v4(const char *in, size_t len, const struct nb_addr *a, const char *readas,
                    const struct octets_opts *o)
{
    char bin[9], sum[64], txt[NB_ADDR_TEXT_MAX], all[160];
    uint32_t v = nb_ip4_to_u32(a);
    struct nb_table t;

    for (int i = 0; i < 4; i++)
        nb_explain_octet(&o->explain, i + 1, a->b[i]);
    nb_explainf(&o->explain, "the 32-bit integer: %u*16777216 + %u*65536 + %u*256 + %u = %u",
                a->b[0], a->b[1], a->b[2], a->b[3], v);
    separate(o);
    if (o->json) {
        struct nb_json j;
        nb_json_begin(&j, stdout);
        json_common(&j, in, len, a, nb_addr_kind_of(a));
        if (readas)
            nb_json_str(&j, "read_as", readas);
        nb_json_open(&j, "octets", '[');
        for (int i = 0; i < 4; i++) {
            nb_json_open(&j, NULL, '{');
            nb_json_int(&j, "decimal", a->b[i]);
            nb_json_str(&j, "binary", nb_octet_binary(a->b[i], bin));
            snprintf(sum, sizeof sum, "%02x", a->b[i]);
            nb_json_str(&j, "hex", sum);
            nb_json_str(&j, "place_values", nb_octet_sum(a->b[i], sum, sizeof sum));
            nb_json_close(&j, '}');
        }
        nb_json_close(&j, ']');
        nb_json_uint(&j, "integer", v);
        nb_json_end(&j);
        return;
    }
    printf("%s%s%s", o->c->bold, nb_addr_format(a, txt, sizeof txt), o->c->reset);
    if (readas)
        printf("  (%s)", readas);
    printf("\n\n");
    nb_table_init(&t, 5);
    t.right[1] = 1;
    nb_table_addf(&t, "octet\tdecimal\tbinary\thex\tplace values (128 64 32 16 8 4 2 1)");
    for (int i = 0; i < 4; i++)
        nb_table_addf(&t, "%d\t%u\t%s\t%02x\t%s", i + 1, a->b[i], nb_octet_binary(a->b[i], bin),
                      a->b[i], nb_octet_sum(a->b[i], sum, sizeof sum));
    nb_table_print(&t, stdout, "  ");
    nb_table_free(&t);
    printf("\n  binary    %s\n", nb_addr_binary(a, -1, "", all, sizeof all));
    printf("  integer   %u = 0x%08x\n", v, v);
    printf("  bytes     %02x %02x %02x %02x (network order: the first octet first)\n", a->b[0],
           a->b[1], a->b[2], a->b[3]);
    print_kind(nb_addr_kind_of(a), o);
}

static void show_v6(const char *in, size_t len, const struct nb_addr *a, const char *readas,
                    const struct octets_opts *o)
{
    char txt[NB_ADDR_TEXT_MAX], bin[40];
    struct nb_table t;

    separate(o);
    if (o->json) {
        struct nb_json j;
        nb_json_begin(&j, stdout);
        json_common(&j, in, len, a, nb_addr_kind_of(a));
        if (a->zone[0])
            nb_json_str(&j, "zone", a->zone);
        if (readas)
            nb_json_str(&j, "read_as", readas);
        nb_json_open(&j, "groups", '[');
        for (int i = 0; i < 8; i++) {
            snprintf(txt, sizeof txt, "%02x%02x", a->b[2 * i], a->b[2 * i + 1]);
            nb_json_str(&j, NULL, txt);
        }
        nb_json_close(&j, ']');
        nb_json_end(&j);
        return;
    }
    printf("%s%s%s", o->c->bold, nb_addr_format(a, txt, sizeof txt), o->c->reset);
    if (readas)
        printf("  (%s)", readas);
    printf("\n\n");
    nb_table_init(&t, 4);
    t.right[3] = 1;
    nb_table_addf(&t, "group\thex\tbinary\tdecimal");
    for (int i = 0; i < 8; i++) {
        nb_octet_binary(a->b[2 * i], bin);
        nb_octet_binary(a->b[2 * i + 1], bin + 9);
        bin[8] = ' ';
        nb_table_addf(&t, "%d\t%02x%02x\t%s\t%u", i + 1, a->b[2 * i], a->b[2 * i + 1], bin,
                      (unsigned)(a->b[2 * i] << 8 | a->b[2 * i + 1]));
    }
    nb_table_print(&t, stdout, "  ");
    nb_table_free(&t);
    printf("\n  full      ");
    for (int i = 0; i < 8; i++)
        printf("%02x%02x%s", a->b[2 * i], a->b[2 * i + 1], i < 7 ? ":" : "\n");
    printf("  bytes     ");
    for (int i = 0; i < 16; i++)
        printf("%02x%s", a->b[i], i < 15 ? " " : " (16 bytes, network order)\n");
    if (a->zone[0])
        printf("  zone      %s (the interface a link-local address is used on)\n", a->zone);
    print_kind(nb_addr_kind_of(a), o);
    if (!strcmp(nb_addr_kind_of(a)->kind, "ipv4-mapped"))
        printf("  ipv4      %u.%u.%u.%u\n", a->b[12], a->b[13], a->b[14], a->b[15]);
}

/* 2^bits as text: exact below 2^64, else "2^bits". */
static void pow2_text(unsigned bits, char *buf, size_t n)
{
    if (bits < 64)
        snprintf(buf, n, "%llu", 1ull << bits);
    else
        snprintf(buf, n, "2^%u", bits);
}

static void show_cidr(const char *in, size_t len, const struct nb_cidr *c, const char *readas,
                      const struct octets_opts *o)
{
    struct nb_addr mask, net, last, first_host, last_host;
    unsigned width = c->addr.family == 4 ? 32 : 128, hostbits = width - c->prefix;
    char t1[NB_ADDR_TEXT_MAX], t2[NB_ADDR_TEXT_MAX], bin[200], count[32], hosts[32];
    char mark[16];
    int v4 = c->addr.family == 4, left_out;

    nb_addr_netmask(c->addr.family, c->prefix, &mask);
    nb_addr_mask(&c->addr, c->prefix, &net);
    nb_addr_fill(&c->addr, c->prefix, &last);
    left_out = nb_cidr_hosts(c, &first_host, &last_host);
    pow2_text(hostbits, count, sizeof count);
    if (hostbits < 64)
        snprintf(hosts, sizeof hosts, "%llu", (1ull << hostbits) - (unsigned)left_out);
    else if (hostbits == 64 && left_out)
        snprintf(hosts, sizeof hosts, "%llu", 0ull - (unsigned)left_out); /* 2^64 - n */
    else if (left_out)
        snprintf(hosts, sizeof hosts, "2^%u-%d", hostbits, left_out);
    else
        snprintf(hosts, sizeof hosts, "%s", count);
    nb_explainf(&o->explain, "the netmask is %u one-bits then %u zero-bits: %s", c->prefix,
                hostbits, nb_addr_format(&mask, t1, sizeof t1));
    nb_explainf(&o->explain, "network = address AND netmask: every host bit set to 0 gives %s",
                nb_addr_format(&net, t1, sizeof t1));
    nb_explainf(&o->explain,
                "last address = address OR the inverted netmask: every host bit set "
                "to 1 gives %s",
                nb_addr_format(&last, t1, sizeof t1));
    nb_explainf(&o->explain, "%u host bits make 2^%u = %s addresses", hostbits, hostbits, count);
    separate(o);
    if (o->json) {
        struct nb_json j;
        nb_json_begin(&j, stdout);
        json_common(&j, in, len, &c->addr, nb_cidr_kind_of(c));
        nb_json_int(&j, "prefix", c->prefix);
        if (readas)
            nb_json_str(&j, "read_as", readas);
        nb_json_str(&j, "netmask", nb_addr_format(&mask, t1, sizeof t1));
        nb_json_str(&j, "network", nb_addr_format(&net, t1, sizeof t1));
        nb_json_str(&j, "last", nb_addr_format(&last, t1, sizeof t1));
        if (v4 && hostbits >= 2)
            nb_json_str(&j, "broadcast", nb_addr_format(&last, t1, sizeof t1));
        nb_json_str(&j, "first_host", nb_addr_format(&first_host, t1, sizeof t1));
        nb_json_str(&j, "last_host", nb_addr_format(&last_host, t1, sizeof t1));
        nb_json_str(&j, "addresses", count);
        nb_json_str(&j, "hosts", hosts);
        nb_json_end(&j);
        return;
    }
    snprintf(mark, sizeof mark, "%s|%s", o->c->yellow, o->c->reset);
    printf("%s%s/%u%s  (IPv%d block of %s address%s: %u network bit%s | %u host bit%s)\n",
           o->c->bold, nb_addr_format(&c->addr, t1, sizeof t1), c->prefix, o->c->reset,
           c->addr.family, count, hostbits ? "es" : "", c->prefix, c->prefix == 1 ? "" : "s",
           hostbits, hostbits == 1 ? "" : "s");
    if (readas)
        printf("  (%s)\n", readas);
    putchar('\n');
    /* IPv6 rows in binary would be 135 columns wide: the hex shows the prefix */
    {
        const struct nb_addr *rows[4] = {&c->addr, &mask, &net, &last};
        const char *labels[4] = {"address", "netmask", "network",
                                 v4 && hostbits >= 2 ? "broadcast" : "last"};
        for (int i = 0; i < 4; i++) {
            nb_addr_format(rows[i], t1, sizeof t1);
            if (v4)
                printf("  %-9s %-16s %s\n", labels[i], t1,
                       nb_addr_binary(rows[i], (int)c->prefix, mark, bin, sizeof bin));
            else
                printf("  %-9s %s\n", labels[i], t1);
        }
    }
    printf("  hosts     %s to %s (%s%s)\n", nb_addr_format(&first_host, t1, sizeof t1),
           nb_addr_format(&last_host, t2, sizeof t2), hosts,
           hostbits == 1   ? (v4 ? ": a /31 is a point-to-point link with no broadcast, RFC 3021"
                                 : ": a /127 is a point-to-point link, RFC 6164")
           : hostbits == 0 ? (v4 ? ": a /32 is a single host" : " address: a /128 is a single host")
           : v4            ? " usable: the network and broadcast addresses are not hosts"
                           : " usable: the all-zeros Subnet-Router anycast address is not a host, "
                             "RFC 4291");
    if (memcmp(net.b, c->addr.b, sizeof net.b))
        printf("  note      %s is a host inside %s/%u\n", nb_addr_format(&c->addr, t1, sizeof t1),
               nb_addr_format(&net, t2, sizeof t2), c->prefix);
    print_kind(nb_cidr_kind_of(c), o);
}

static int is_name_char(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_';
}

/* Reads ADDR/MASK, an IPv4 address with a dotted netmask after the slash at
 * s + slash (ipcalc's form), into c with the mask's prefix length. Returns 0,
 * or -1 with e set. */
static int mask_parse(const char *s, size_t len, size_t slash, struct nb_cidr *c, struct nb_err *e)
{
    struct nb_addr mask;
    const char *m = s + slash + 1;
    size_t mlen = len - slash - 1;

    if (nb_ip4_parse(s, slash, &c->addr, e) < 0)
        return -1;
    int bad = nb_ip4_parse(m, mlen, &mask, e) < 0           ? 1
              : nb_netmask_prefix(&mask, &c->prefix, e) < 0 ? 2
                                                            : 0;
    char why[NB_ERR_MSG_MAX];

    if (!bad)
        return 0;
    snprintf(why, sizeof why, "%s", e->msg); /* e->msg is rewritten below */
    return nb_err_set(e, NB_E_INVALID, "the mask %.*s%s%s", (int)mlen, m, bad == 2 ? " is " : ": ",
                      why);
}

/* Whether a and b are ipcalc's two words ADDR MASK: an IPv4 address, then a
 * dotted quad that starts with 255 (a mask, not a second address). */
static int addr_and_mask(const char *a, const char *b)
{
    struct nb_addr x;

    return !strchr(a, '/') && nb_ip4_parse(a, strlen(a), &x, NULL) == 0 &&
           nb_ip4_parse(b, strlen(b), &x, NULL) == 0 && x.b[0] == 255;
}

/* Shows each address a host name has. Returns 0, or -1 with e set. */
static int show_name(const char *s, size_t len, const struct octets_opts *o, struct nb_err *e)
{
    struct nb_sockaddr list[NB_RESOLVE_MAX];
    struct nb_addr a;
    char name[256], readas[320];
    size_t count;

    memcpy(name, s, len);
    name[len] = '\0';
    nb_errorf("octets", "'%s' is not an address: looking it up as a host name", name);
    if (nb_sock_resolve(name, 0, 0, 0, list, NB_RESOLVE_MAX, &count, &o->explain, e) < 0)
        return -1;
    for (size_t k = 0; k < count; k++) {
        if (nb_sockaddr_to_addr(&list[k], &a, NULL, e) < 0)
            continue;
        a.zone[0] = '\0';
        snprintf(readas, sizeof readas, "address %zu of %zu of the name %s", k + 1, count, name);
        if (a.family == 4)
            show_v4(s, len, &a, readas, o);
        else
            show_v6(s, len, &a, readas, o);
    }
    return 0;
}

/* Shows one input; returns 0 when it was an address, 1 when not. */
static int show_one(const char *s, size_t len, const struct octets_opts *o)
{
    struct nb_err e;
    struct nb_addr a;
    struct nb_cidr c;
    enum nb_reverse_form form;
    char readas[320];
    const char *slash;
    int r;

    nb_err_clear(&e);
    if (len > NB_ADDR_INPUT_MAX) {
        nb_err_set(&e, NB_E_INVALID, "%zu bytes is too long for an address", len);
    } else if ((slash = memchr(s, '/', len)) && memchr(slash, '.', len - (size_t)(slash - s))) {
        if (mask_parse(s, len, (size_t)(slash - s), &c, &e) == 0) {
            snprintf(readas, sizeof readas, "the netmask %.*s read as /%u",
                     (int)(len - (size_t)(slash - s) - 1), slash + 1, c.prefix);
            show_cidr(s, len, &c, readas, o);
            return 0;
        }
    } else if (slash) {
        if (nb_cidr_parse(s, len, &c, &e) == 0) {
            show_cidr(s, len, &c, NULL, o);
            return 0;
        }
    } else if (memchr(s, ':', len)) {
        if (nb_ip6_parse(s, len, 1, &a, &e) == 0) {
            show_v6(s, len, &a, NULL, o);
            return 0;
        }
    } else if (nb_ip4_parse(s, len, &a, &e) == 0) {
        show_v4(s, len, &a, NULL, o);
        return 0;
    } else if ((r = nb_reverse_parse(s, len, &a, &form, &e)) != 0) {
        if (r > 0) {
            snprintf(readas, sizeof readas, "read as %s",
                     form == NB_REV_BINARY ? "binary"
                     : form == NB_REV_HEX  ? "a 32-bit number in hex"
                                           : "a 32-bit integer");
            show_v4(s, len, &a, readas, o);
            return 0;
        }
    } else {
        size_t i, letters = 0;
        for (i = 0; i < len && is_name_char((unsigned char)s[i]); i++)
            letters += (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z';
        if (i == len && letters > 0 && len < 254) {
            if (o->numeric)
                nb_err_set(&e, NB_E_INVALID,
                           "not an address, and -n (--numeric) forbids looking it up as a host "
                           "name");
            else if (show_name(s, len, o, &e) == 0)
                return 0;
        }
    }
    input_error(s, len, &e, o->json);
    return 1;
}

/* The quiz's score, for the Ctrl-C handler: questions answered and right,
 * the question on screen, and how many there are. */
static volatile sig_atomic_t quiz_answered, quiz_right, quiz_at, quiz_count;

/* Appends the decimal digits of v to buf at *o (async-signal-safe). */
static void put_uint(char *buf, size_t *o, unsigned v)
{
    char d[12];
    int n = 0;

    do
        d[n++] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    while (n > 0)
        buf[(*o)++] = d[--n];
}

static void put_text(char *buf, size_t *o, const char *t)
{
    while (*t)
        buf[(*o)++] = *t++;
}

/* Ctrl-C during the quiz: the score so far, then the exit a SIGINT gives. */
static void quiz_interrupted(int sig)
{
    char buf[160];
    size_t o = 0;
    ssize_t ignored;

    (void)sig;
    put_text(buf, &o, "\n\nScore so far: ");
    put_uint(buf, &o, (unsigned)quiz_right);
    put_text(buf, &o, " of ");
    put_uint(buf, &o, (unsigned)quiz_answered);
    put_text(buf, &o, " answered; stopped by Ctrl-C at question ");
    put_uint(buf, &o, (unsigned)quiz_at);
    put_text(buf, &o, " of ");
    put_uint(buf, &o, (unsigned)quiz_count);
    put_text(buf, &o, "\n");
    ignored = write(1, buf, o);
    (void)ignored;
    _exit(130);
}

static int run_quiz(const struct octets_opts *o)
{
    struct nb_lines in;
    struct nb_rng rng;
    struct nb_err e;
    struct sigaction sa = {.sa_handler = quiz_interrupted};
    int right = 0, answered = 0, tty = isatty(0);

    nb_rng_seed(&rng, o->seed);
    /* a person typed it: blanks around the answer go */
    if (nb_lines_open(&in, 0, NB_LINES_TRIM, &e) < 0)
        return nb_report("octets", &e);
    printf("Quiz yourself: %d question%s. Type the answer and press Enter.\n", o->count,
           o->count == 1 ? "" : "s");
    quiz_count = o->count;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    for (int i = 0; i < o->count; i++) {
        struct nb_quiz_q q;
        const char *line;
        size_t len;
        int toolong, got;

        nb_quiz_make(&rng, i, &q);
        quiz_at = i + 1; /* before the question shows: Ctrl-C may come at once */
        printf("\n%d. %s ", i + 1, q.prompt);
        fflush(stdout);
        got = nb_lines_next(&in, &line, &len, &toolong, &e);
        if (got < 0) {
            nb_lines_close(&in);
            return nb_report("octets", &e);
        }
        if (got == 0) {
            printf("\n   (no answer: the input ended)\n");
            signal(SIGINT, SIG_DFL);
            nb_lines_close(&in);
            printf("\nScore: %d of %d answered; the input ended at question %d of %d\n", right,
                   answered, i + 1, o->count);
            return NB_EXIT_NEGATIVE;
        }
        if (!tty) {
            nb_escape_write(stdout, line, len, NB_ESC_C); /* echo a scripted answer */
            putchar('\n');
        }
        if (!toolong && nb_quiz_check(&q, line, len)) {
            right++;
            printf("   %sRight!%s %c%s\n", o->c->green, o->c->reset,
                   q.why[0] >= 'a' && q.why[0] <= 'z' ? q.why[0] - 'a' + 'A' : q.why[0], q.why + 1);
        } else {
            printf("   %sNot quite:%s the answer is %s: %s\n", o->c->red, o->c->reset, q.answer,
                   q.why);
        }
        fflush(stdout);
        quiz_right = right;
        quiz_answered = ++answered;
    }
    signal(SIGINT, SIG_DFL);
    nb_lines_close(&in);
    printf("\nScore: %d of %d\n", right, o->count);
    return right == o->count ? NB_EXIT_OK : NB_EXIT_NEGATIVE;
}

int cmd_octets(int argc, char **argv)
{
    struct octets_opts o = {
        .count = 5, .color = "auto", .seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32};
    const struct nb_option options[] = {
        NB_OPT__JSON(&o.json, "one JSON object per address"),
        NB_OPT__EXPLAIN(&o.explain, "show the conversions step by step on stderr"),
        NB_OPT_BOOL(0, "quiz", &o.quiz,
                    "the lesson's 'Quiz yourself': answers are read from stdin"),
        NB_OPT_UINT(0, "seed", &o.seed, "N", 0, UINT64_MAX, "seed", "make the quiz repeatable"),
        NB_OPT_UINT(0, "count", &o.count, "N", 1, 100, "count",
                    "number of quiz questions (1 to 100, default 5)"),
        NB_OPT_BOOL('n', "numeric", &o.numeric,
                    "addresses only: never look a host name up (as nc -n, netstat -n)"),
        NB_OPT__COLOR(&o.color),
        NB_OPT_CLASH("--numeric --quiz"),
        NB_OPT_NEEDS("--seed", "--quiz"),
        NB_OPT_NEEDS("--count", "--quiz"),
        NB_OPT_END,
    };
    struct nb_colors colors;
    struct nb_err e;
    int argi, status, stdin_mode, shown = 0;

    if ((status = cmd_options(options, USAGE, EPILOG, argc, argv, &argi)) != CMD_GO)
        return status;
    status = NB_EXIT_OK;
    nb_colors_init(&colors, !o.json && nb_color_wanted(1, o.color));
    o.c = &colors;
    o.shown = &shown;
    if (o.quiz) {
        if (argi < argc)
            return cmd_usage("octets", "--quiz takes no addresses: its answers come from stdin");
        return run_quiz(&o);
    }
    stdin_mode = argi == argc || (argi + 1 == argc && !strcmp(argv[argi], "-"));
    if (stdin_mode) {
        struct nb_lines in;
        const char *line;
        size_t len;
        int toolong, got;

        if (nb_lines_open(&in, 0, NB_LINES_EXACT, &e) < 0)
            return nb_report("octets", &e);
        nb_note_stdin("octets", "addresses");
        while ((got = nb_lines_next(&in, &line, &len, &toolong, &e)) > 0) {
            if (toolong) {
                nb_err_set(&e, NB_E_INVALID, "line %lu is longer than %d bytes", in.lineno,
                           NB_LINE_MAX);
                input_error(line, len, &e, o.json);
                status = NB_EXIT_NEGATIVE;
            } else if (show_one(line, len, &o)) {
                status = NB_EXIT_NEGATIVE;
            }
            fflush(stdout); /* a pipeline sees each answer as it is made */
        }
        nb_lines_close(&in);
        if (got < 0)
            return nb_report("octets", &e);
        return status;
    }
    if (argc - argi == 2 && addr_and_mask(argv[argi], argv[argi + 1])) {
        char both[2 * NB_ADDR_INPUT_MAX + 2]; /* ipcalc's ADDR MASK is ADDR/MASK */
        snprintf(both, sizeof both, "%s/%s", argv[argi], argv[argi + 1]);
        return show_one(both, strlen(both), &o) ? NB_EXIT_NEGATIVE : NB_EXIT_OK;
    }
    for (int i = argi; i < argc; i++) {
        if (show_one(argv[i], strlen(argv[i]), &o))
            status = NB_EXIT_NEGATIVE;
    }
    return status;
}
