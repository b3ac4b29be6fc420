/* fuzz_conf.c - libFuzzer target: resolv.conf and hosts parsing of any bytes stays within its
 * bounds and clamps, and hosts lookups agree with themselves across family, case and dot. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netbasics/conf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_conf: %s\n", what);                                              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define MATCH_MAX 16

/* A name of NB_CONF_NAME_MAX bytes: NUL-terminated, 1 to 253 bytes, no trailing dot. */
static void check_name(const char *s)
{
    const char *nul = memchr(s, '\0', NB_CONF_NAME_MAX);
    size_t n;

    CHECK(nul != NULL, "name without its NUL");
    n = (size_t)(nul - s);
    CHECK(n >= 1 && n <= NB_CONF_NAME_MAX - 1, "name length out of 1..253");
    CHECK(s[n - 1] != '.', "name with a trailing dot");
}

static void check_addr(const struct nb_addr *a)
{
    CHECK(a->family == 4 || a->family == 6, "address family");
    CHECK(memchr(a->zone, '\0', sizeof a->zone) != NULL, "zone without its NUL");
    CHECK(a->family == 6 || a->zone[0] == '\0', "IPv4 address with a zone");
}

static void check_resolvconf(const char *text, size_t size)
{
    struct nb_resolvconf rc, again;
    size_t i;

    memset(&rc, 0xa5, sizeof rc);
    CHECK(nb_resolvconf_parse(text, size, &rc) == 0, "nb_resolvconf_parse failed");
    CHECK(rc.nns <= NB_CONF_MAX_NS, "too many nameservers");
    CHECK(rc.nsearch <= NB_CONF_MAX_SEARCH, "too many search domains");
    CHECK(rc.ndots <= 15, "ndots above 15");
    CHECK(rc.timeout_s >= 1 && rc.timeout_s <= 30, "timeout out of 1..30");
    CHECK(rc.attempts >= 1 && rc.attempts <= 5, "attempts out of 1..5");
    CHECK(rc.use_vc == 0 || rc.use_vc == 1, "use_vc not a flag");
    for (i = 0; i < rc.nns; i++) {
        check_addr(&rc.ns[i].addr);
        CHECK(rc.ns[i].port != 0, "nameserver port 0");
    }
    for (i = 0; i < rc.nsearch; i++)
        if (rc.search[i][0] != '\0') /* "" is the root domain */
            check_name(rc.search[i]);
    /* the result depends on the text only, never on what *out held before */
    memset(&again, 0x5a, sizeof again);
    nb_resolvconf_parse(text, size, &again);
    CHECK(rc.nns == again.nns && rc.nsearch == again.nsearch && rc.ndots == again.ndots &&
              rc.timeout_s == again.timeout_s && rc.attempts == again.attempts &&
              rc.use_vc == again.use_vc && rc.ignored == again.ignored,
          "a second parse differs");
    for (i = 0; i < rc.nns; i++)
        CHECK(memcmp(&rc.ns[i].addr, &again.ns[i].addr, sizeof rc.ns[i].addr) == 0 &&
                  rc.ns[i].port == again.ns[i].port,
              "a second parse gives another nameserver");
    for (i = 0; i < rc.nsearch; i++)
        CHECK(strcmp(rc.search[i], again.search[i]) == 0, "a second parse gives another domain");
}

/* Looks name up with family and checks every match; returns the count. */
static size_t lookup(const char *text, size_t size, const char *name, int family,
                     struct nb_hosts_match *m)
{
    size_t n, i, k;

    n = nb_hosts_lookup(text, size, name, family, m, MATCH_MAX);
    CHECK(n <= MATCH_MAX, "more matches than max");
    for (i = 0; i < n; i++) {
        check_addr(&m[i].addr);
        CHECK(family == 0 || m[i].addr.family == family, "a match of another family");
        check_name(m[i].canonical);
        CHECK(m[i].line >= 1 && m[i].line <= size + 1, "line number out of the text");
        CHECK(i == 0 || m[i].line > m[i - 1].line, "matches not in file order");
        for (k = 0; k < i; k++)
            CHECK(memcmp(&m[k].addr, &m[i].addr, sizeof m[i].addr) != 0, "duplicate address");
    }
    return n;
}

static int same_matches(const struct nb_hosts_match *a, const struct nb_hosts_match *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (memcmp(&a[i].addr, &b[i].addr, sizeof a[i].addr) != 0 || a[i].line != b[i].line ||
            strcmp(a[i].canonical, b[i].canonical) != 0)
            return 0;
    }
    return 1;
}

static void check_hosts(const char *text, size_t size, const char *name, const char *variant)
{
    struct nb_hosts_match any[MATCH_MAX], v4[MATCH_MAX], v6[MATCH_MAX], var[MATCH_MAX];
    size_t n, n4, n6, nv, i, k;

    n = lookup(text, size, name, 0, any);
    n4 = lookup(text, size, name, 4, v4);
    n6 = lookup(text, size, name, 6, v6);
    /* family 0 is the two families merged in file order, while max is not reached */
    if (n < MATCH_MAX) {
        CHECK(n == n4 + n6, "any != IPv4 + IPv6");
        for (i = 0, k = 0; i < n; i++) {
            const struct nb_hosts_match *want = any[i].addr.family == 4 ? &v4[i - k] : &v6[k];

            if (any[i].addr.family == 6)
                k++;
            CHECK(same_matches(&any[i], want, 1), "a family filter changes a match");
        }
    }
    /* case and one trailing dot do not change the answer */
    nv = lookup(text, size, variant, 0, var);
    CHECK(nv == n && same_matches(any, var, n), "case or a trailing dot changes the answer");
}

static void check_reverse(const char *text, size_t size, const char *addr)
{
    char names[MATCH_MAX][NB_CONF_NAME_MAX];
    struct nb_addr a;
    size_t n, i;

    CHECK(nb_addr_parse(addr, strlen(addr), &a, NULL) == 0, "fixed address does not parse");
    memset(names, 0xa5, sizeof names);
    n = nb_hosts_reverse(text, size, &a, names, MATCH_MAX);
    CHECK(n <= MATCH_MAX, "more names than max");
    for (i = 0; i < n; i++)
        check_name(names[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the parsers take (text, len): no NUL is added, so a read past size shows in ASan */
    char *text = malloc(size ? size : 1);

    if (!text)
        return 0;
    memcpy(text, data, size);
    check_resolvconf(text, size);
    check_hosts(text, size, "localhost", "LOCALHOST.");
    check_hosts(text, size, "www.example.com", "WWW.Example.COM");
    check_reverse(text, size, "127.0.0.1");
    check_reverse(text, size, "::1");
    check_reverse(text, size, "10.0.0.1");
    free(text);
    return 0;
}
