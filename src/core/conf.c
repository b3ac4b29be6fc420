/* conf.c - sans-IO parsing of resolv.conf(5) (nameserver, domain, search, options) and
 * lookups by name and by address in hosts(5) text. */
#include <netbasics/buf.h>
#include <netbasics/conf.h>
#include <netbasics/num.h>

#include <string.h>

#define RC_LINE_MAX   1024 /* longer resolv.conf lines are ignored, as the header promises */
#define NAME_LEN_MAX  (NB_CONF_NAME_MAX - 1) /* 253: a name in text without its dot or NUL */
#define LABEL_LEN_MAX 63

#define BLANKS " \t\r\v\f"

/* Options glibc knows and netbasics has no use for: accepted without counting them as
 * ignored, so systemd-resolved's "options edns0 trust-ad" is not reported as malformed. */
static const char *const UNUSED_OPTIONS[] = {
    "rotate",       "edns0",          "trust-ad",   "single-request", "single-request-reopen",
    "no-tld-query", "no-check-names", "inet6",      "no-reload",      "no-aaaa",
    "debug",        "ip6-bytestring", "ip6-dotint", "no-ip6-dotint",  "insecure1",
    "insecure2",
};

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Takes the next line of text into *line (a reader over it), without its '\n' and cut at a
 * NUL (the C string glibc would see); 0 at the end of the text. *raw gets the full length,
 * without a '\r' before the '\n'. */
static int next_line(struct nb_reader *text, struct nb_reader *line, size_t *raw)
{
    const uint8_t *p, *nul;
    size_t n;

    if (nb_reader_line(text, &p, &n) < 0)
        return 0;
    *raw = n;
    if (n > 0 && p[n - 1] == '\r')
        (*raw)--;
    nul = memchr(p, '\0', n);
    nb_reader_init(line, p, nul ? (size_t)(nul - p) : n);
    return 1;
}

/* Takes the next blank-separated word of line into *w; 0 at the end of the line or at a
 * word starting with one of the comment bytes (which ends the line). */
static int next_word(struct nb_reader *line, const char *comment, struct nb_reader *w)
{
    const uint8_t *p;
    size_t n;
    uint8_t c;

    nb_reader_skip_while(line, BLANKS);
    if (nb_reader_peek(line, &c) < 0 || (c && strchr(comment, c))) {
        nb_reader_skip(line, nb_reader_remaining(line));
        return 0;
    }
    n = nb_reader_take_until(line, BLANKS, &p);
    nb_reader_init(w, p, n);
    return 1;
}

/* The bytes of a word (a reader over them) as text. */
static const char *chars(const struct nb_reader *w)
{
    return (const char *)w->p;
}

static int word_is(const struct nb_reader *w, const char *s)
{
    size_t n = strlen(s);

    return w->len == n && memcmp(w->p, s, n) == 0;
}

static int word_starts(const struct nb_reader *w, const char *prefix)
{
    size_t n = strlen(prefix);

    return w->len >= n && memcmp(w->p, prefix, n) == 0;
}

/* ---- resolv.conf -------------------------------------------------------------------------- */

/* A nameserver word: ADDR, [IPv6], [IPv6]:PORT or ADDR#PORT. Returns 0 and fills *ns, or -1. */
static int parse_nameserver(const struct nb_reader *w, struct nb_nameserver *ns)
{
    struct nb_hostport hp;

    memset(ns, 0, sizeof *ns);
    if (nb_hostport_parse(chars(w), w->len, NB_HP_RESOLV_CONF, 53, &hp, NULL) != 0)
        return -1;
    ns->addr = hp.addr;
    ns->port = hp.port;
    return 0;
}

/* Copies a search domain into dst without its trailing dot: the root "." (systemd-resolved's
 * "search .") becomes "", as glibc's search turns it into the name itself, absolute. Returns 0,
 * or -1 when it is not a host name: an empty or 64+ byte label, 254+ bytes, a byte outside
 * [A-Za-z0-9_-]. */
static int copy_domain(const struct nb_reader *w, char dst[NB_CONF_NAME_MAX])
{
    size_t n = w->len, i, label = 0;

    if (n == 1 && w->p[0] == '.') {
        dst[0] = '\0';
        return 0;
    }
    if (n > 0 && w->p[n - 1] == '.')
        n--;
    if (n == 0 || n > NAME_LEN_MAX)
        return -1;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w->p[i];

        if (c == '.') {
            if (label == 0)
                return -1;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return -1;
        if (++label > LABEL_LEN_MAX)
            return -1;
    }
    if (label == 0)
        return -1;
    memcpy(dst, w->p, n);
    dst[n] = '\0';
    return 0;
}

/* Reads the value of "name:N" into *field, clamped to [min, max] as glibc clamps. Returns 0
 * when w is not this option, 1 when it was used, -1 when its value is not digits. */
static int number_option(const struct nb_reader *w, const char *name, unsigned min, unsigned max,
                         unsigned *field)
{
    size_t i = strlen(name), n;
    uint64_t v;

    if (!word_starts(w, name))
        return 0;
    n = w->len - i;
    /* digits only: glibc's atoi would take "" as 0 and "-1" as -1, both nonsense here */
    if (n == 0 || nb_scan_uint(chars(w) + i, n, 10, n, &v) != n)
        return -1;
    *field = v < min ? min : v > max ? max : (unsigned)v;
    return 1;
}

/* One word of an "options" line. Returns 0 when it was used, -1 when it is ignored. */
static int apply_option(const struct nb_reader *w, struct nb_resolvconf *rc)
{
    size_t k;
    int r;

    if ((r = number_option(w, "ndots:", 0, 15, &rc->ndots)) != 0)
        return r > 0 ? 0 : -1;
    /* a timeout or attempts of 0 would mean no wait or no query at all: 1 is the least */
    if ((r = number_option(w, "timeout:", 1, 30, &rc->timeout_s)) != 0)
        return r > 0 ? 0 : -1;
    if ((r = number_option(w, "attempts:", 1, 5, &rc->attempts)) != 0)
        return r > 0 ? 0 : -1;
    if (word_is(w, "use-vc") || word_is(w, "usevc")) {
        rc->use_vc = 1;
        return 0;
    }
    for (k = 0; k < sizeof UNUSED_OPTIONS / sizeof UNUSED_OPTIONS[0]; k++) {
        if (word_is(w, UNUSED_OPTIONS[k]))
            return 0;
    }
    return -1;
}

/* A "search" or "domain" line: the line's domains replace the list (the later line wins). */
static void set_search(struct nb_reader *line, int only_first, struct nb_resolvconf *rc)
{
    struct nb_reader w;
    int words = 0;

    while (next_word(line, "#;", &w)) {
        if (words++ == 0)
            rc->nsearch = 0;
        if (only_first && words > 1) {
            rc->ignored++;
            continue;
        }
        if (rc->nsearch == NB_CONF_MAX_SEARCH || copy_domain(&w, rc->search[rc->nsearch]) < 0)
            rc->ignored++;
        else
            rc->nsearch++;
    }
    /* a keyword without a value is glibc's "ignore the line", not "clear the list" */
    if (words == 0)
        rc->ignored++;
}

static void parse_rc_line(struct nb_reader *line, size_t raw, struct nb_resolvconf *rc)
{
    struct nb_reader key, w;

    if (!next_word(line, "#;", &key))
        return;
    if (raw > RC_LINE_MAX) {
        rc->ignored++;
        return;
    }
    if (word_is(&key, "nameserver")) {
        if (!next_word(line, "#;", &w)) {
            rc->ignored++;
            return;
        }
        if (rc->nns < NB_CONF_MAX_NS) {
            if (parse_nameserver(&w, &rc->ns[rc->nns]) == 0)
                rc->nns++;
            else
                rc->ignored++;
        }
        while (next_word(line, "#;", &w))
            rc->ignored++;
    } else if (word_is(&key, "search")) {
        set_search(line, 0, rc);
    } else if (word_is(&key, "domain")) {
        set_search(line, 1, rc);
    } else if (word_is(&key, "options")) {
        while (next_word(line, "#;", &w)) {
            if (apply_option(&w, rc) != 0)
                rc->ignored++;
        }
    } else if (!word_is(&key, "sortlist")) {
        /* sortlist is glibc's and harmless to skip; anything else is unknown */
        rc->ignored++;
    }
}

int nb_resolvconf_parse(const char *text, size_t len, struct nb_resolvconf *out)
{
    struct nb_reader rd, line;
    size_t raw;

    memset(out, 0, sizeof *out);
    out->ndots = 1;
    out->timeout_s = 5;
    out->attempts = 2;
    if (!text)
        return 0;
    nb_reader_init(&rd, text, len);
    while (next_line(&rd, &line, &raw))
        parse_rc_line(&line, raw, out);
    /* slots past the counts may hold a failed nameserver or a replaced search list */
    if (out->nns < NB_CONF_MAX_NS)
        memset(&out->ns[out->nns], 0, sizeof out->ns[0] * (NB_CONF_MAX_NS - out->nns));
    if (out->nsearch < NB_CONF_MAX_SEARCH)
        memset(&out->search[out->nsearch], 0,
               sizeof out->search[0] * (NB_CONF_MAX_SEARCH - out->nsearch));
    return 0;
}

/* ---- hosts ------------------------------------------------------------------------------ */

/* A host name of a hosts line or a query, without one trailing dot: 1 to 253 bytes, none of
 * them a control byte, not ending in a dot. Returns 0 and sets *out, or -1. */
static int host_name(const char *p, size_t n, struct nb_reader *out)
{
    size_t i;

    if (n > 0 && p[n - 1] == '.')
        n--;
    /* "a.." would keep a trailing dot: an empty last label is no name */
    if (n == 0 || n > NAME_LEN_MAX || p[n - 1] == '.')
        return -1;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c < 0x20 || c == 0x7f)
            return -1;
    }
    nb_reader_init(out, p, n);
    return 0;
}

static int same_name(const struct nb_reader *a, const struct nb_reader *b)
{
    size_t i;

    if (a->len != b->len)
        return 0;
    for (i = 0; i < a->len; i++) {
        if (lower((unsigned char)a->p[i]) != lower((unsigned char)b->p[i]))
            return 0;
    }
    return 1;
}

/* One usable hosts line: its address, its canonical name and its aliases. */
struct hosts_entry {
    struct nb_addr addr;
    struct nb_reader canonical;
    struct nb_reader aliases; /* the rest of the line after the canonical name, cut at '#' */
    unsigned lineno;
};

/* Takes the next line with a strict address and a valid canonical name; 0 at the end. */
static int next_entry(struct nb_reader *text, unsigned *lineno, struct hosts_entry *h)
{
    struct nb_reader line, w;
    const uint8_t *p;
    size_t raw, n;

    while (next_line(text, &line, &raw)) {
        (*lineno)++;
        n = nb_reader_take_until(&line, "#", &p);
        nb_reader_init(&h->aliases, p, n);
        if (!next_word(&h->aliases, "", &w) || nb_addr_parse(chars(&w), w.len, &h->addr, NULL) != 0)
            continue;
        if (!next_word(&h->aliases, "", &w) || host_name(chars(&w), w.len, &h->canonical) != 0)
            continue;
        h->lineno = *lineno;
        return 1;
    }
    return 0;
}

/* Whether the entry's canonical name or one of its valid aliases is name. */
static int entry_has(const struct hosts_entry *h, const struct nb_reader *name)
{
    struct nb_reader rest = h->aliases, w, alias;

    if (same_name(&h->canonical, name))
        return 1;
    while (next_word(&rest, "", &w)) {
        if (host_name(chars(&w), w.len, &alias) == 0 && same_name(&alias, name))
            return 1;
    }
    return 0;
}

/* Whether a and b are the same family and bytes (IPv4 compares only its 4). */
static int same_bytes(const struct nb_addr *a, const struct nb_addr *b)
{
    return a->family == b->family && memcmp(a->b, b->b, a->family == 4 ? 4 : 16) == 0;
}

size_t nb_hosts_lookup(const char *text, size_t len, const char *name, int family,
                       struct nb_hosts_match *out, size_t max)
{
    struct hosts_entry h;
    struct nb_reader rd, want;
    size_t n = 0, k;
    unsigned lineno = 0;
    int dup;

    if (!text || !name || !out || max == 0 || (family != 0 && family != 4 && family != 6))
        return 0;
    if (host_name(name, strnlen(name, NB_CONF_NAME_MAX + 1), &want) != 0)
        return 0;
    nb_reader_init(&rd, text, len);
    while (n < max && next_entry(&rd, &lineno, &h)) {
        if ((family != 0 && h.addr.family != family) || !entry_has(&h, &want))
            continue;
        dup = 0;
        for (k = 0; k < n && !dup; k++)
            dup = same_bytes(&out[k].addr, &h.addr) && strcmp(out[k].addr.zone, h.addr.zone) == 0;
        if (dup)
            continue;
        memset(&out[n], 0, sizeof out[n]);
        out[n].addr = h.addr;
        memcpy(out[n].canonical, h.canonical.p, h.canonical.len);
        out[n].line = h.lineno;
        n++;
    }
    return n;
}

size_t nb_hosts_reverse(const char *text, size_t len, const struct nb_addr *addr,
                        char (*names)[NB_CONF_NAME_MAX], size_t max)
{
    struct hosts_entry h;
    struct nb_reader rd, have;
    size_t n = 0, k;
    unsigned lineno = 0;
    int dup;

    if (!text || !addr || !names || max == 0 || (addr->family != 4 && addr->family != 6))
        return 0;
    nb_reader_init(&rd, text, len);
    while (n < max && next_entry(&rd, &lineno, &h)) {
        /* the bytes alone, as gethostbyaddr compares them: a zone does not tell hosts apart */
        if (!same_bytes(&h.addr, addr))
            continue;
        dup = 0;
        for (k = 0; k < n && !dup; k++) {
            nb_reader_init(&have, names[k], strlen(names[k]));
            dup = same_name(&have, &h.canonical);
        }
        if (dup)
            continue;
        memcpy(names[n], h.canonical.p, h.canonical.len);
        names[n][h.canonical.len] = '\0';
        n++;
    }
    return n;
}
