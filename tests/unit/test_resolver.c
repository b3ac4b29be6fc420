/* test_resolver.c - the search list's names for a NAME (nb_search_names), table-driven against
 * the order and the rules of glibc's res_search: ndots, absolute names, the root domain, names
 * too long with a domain, many domains; and one name's search as a state machine (nb_search_*),
 * fed replies made here: the questions it asks, one at a time or together, and what stands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/resolver.h>

#define N(a)     (sizeof(a) / sizeof((a)[0]))
#define JOIN_MAX (NB_SEARCH_NAMES_MAX * NB_DNS_NAME_TEXT)

/* A name of n bytes: labels of 63 'a's and a shorter last one, dot-separated; the last
 * byte of a label-sized name is never a dot. */
static void long_name(char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        buf[i] = i % 64 == 63 ? '.' : 'a';
    if (n > 0 && buf[n - 1] == '.')
        buf[n - 1] = 'b';
    buf[n] = '\0';
}

/* Replaces each "@N" (N decimal) in pattern with a long name of N bytes, into out. */
static void expand(const char *pattern, char *out, size_t cap)
{
    size_t o = 0;

    while (*pattern) {
        if (*pattern == '@') {
            char *end;
            size_t n = strtoul(pattern + 1, &end, 10);
            assert_true(o + n < cap);
            long_name(out + o, n);
            o += n;
            pattern = end;
        } else {
            assert_true(o + 1 < cap);
            out[o++] = *pattern++;
        }
    }
    out[o] = '\0';
}

struct search_case {
    const char *what;
    const char *conf; /* resolv.conf text */
    const char *name; /* "@N" is a long name of N bytes */
    const char *want; /* the names in order, space-separated ("@N" as in name) */
};

static const struct search_case cases[] = {
    /* ndots */
    {"no search list", "", "www", "www"},
    {"no dot: the domains, then the name", "search a.example b.example\n", "www",
     "www.a.example www.b.example www"},
    {"ndots 1, one dot: the name first", "search a.example b.example\n", "www.x",
     "www.x www.x.a.example www.x.b.example"},
    {"ndots 2, one dot: the name last", "search a.example b.example\noptions ndots:2\n", "www.x",
     "www.x.a.example www.x.b.example www.x"},
    {"ndots 2, two dots: the name first", "search a.example\noptions ndots:2\n", "a.b.c",
     "a.b.c a.b.c.a.example"},
    {"ndots 0: even a bare name first", "search a.example\noptions ndots:0\n", "www",
     "www www.a.example"},
    {"ndots 5 (Kubernetes)",
     "search default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n",
     "example.com",
     "example.com.default.svc.cluster.local example.com.svc.cluster.local "
     "example.com.cluster.local example.com"},
    {"domain sets a one-domain list", "domain corp.example\n", "www", "www.corp.example www"},

    /* absolute names */
    {"a trailing dot: the name alone", "search a.example b.example\n", "www.", "www."},
    {"a trailing dot after dots", "search a.example\noptions ndots:5\n", "a.b.c.", "a.b.c."},
    {"the root name", "search a.example\n", ".", "."},

    /* the root domain */
    {"search .: the name, absolute, and not again", "search .\n", "www", "www."},
    {"the root first", "search . b.example\n", "www", "www. www.b.example"},
    {"the root between", "search a.example . b.example\n", "www",
     "www.a.example www. www.b.example"},
    {"the root after the name asked first", "search .\n", "www.x", "www.x www.x."},

    /* too long with a domain: left out */
    {"253 bytes with dots: asked as is, no domain fits", "search a.example b.example\n", "@253",
     "@253"},
    {"253 bytes, ndots above its dots: the domains left out, the name last",
     "search a.example\noptions ndots:15\n", "@253", "@253"},
    {"253 bytes with the root: the name, absolute", "search . a.example\noptions ndots:15\n",
     "@253", "@253."},
    {"243 + 1 + 9 = 253 bytes fits, 254 does not", "search a.example ab.example c.example\n",
     "@243", "@243 @243.a.example @243.c.example"},
    {"a long domain left out, a short one kept", "search @200 a.example\n", "@60.x",
     "@60.x @60.x.a.example"},
    {"a name with a 64-byte label keeps its names (the query says why it is bad)",
     "search a.example\n", "@64.x", "@64.x @64.x.a.example"},

    /* many domains */
    {"7 domains, more than glibc's 6 before 2.26",
     "search d1.example d2.example d3.example d4.example d5.example d6.example d7.example\n", "h",
     "h.d1.example h.d2.example h.d3.example h.d4.example h.d5.example h.d6.example "
     "h.d7.example h"},
};

/* The space-separated names of out[0..n), each checked against its domain index. */
static void names_text(const char *name, const struct nb_resolvconf *rc,
                       const struct nb_search_name *out, size_t n, char *text)
{
    char want[NB_DNS_NAME_TEXT * 2];

    text[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (out[i].domain < 0) {
            snprintf(want, sizeof want, "%s", name);
        } else {
            assert_true((size_t)out[i].domain < rc->nsearch);
            snprintf(want, sizeof want, "%s.%s", name, rc->search[out[i].domain]);
        }
        assert_string_equal(out[i].name, want);
        if (i > 0)
            strcat(text, " ");
        strcat(text, out[i].name);
    }
}

static void test_search_names_table(void **state)
{
    static struct nb_search_name out[NB_SEARCH_NAMES_MAX];
    static char conf[2048], name[1024], want[JOIN_MAX], got[JOIN_MAX];
    struct nb_resolvconf rc;

    (void)state;
    for (size_t k = 0; k < N(cases); k++) {
        const struct search_case *c = &cases[k];
        size_t n;

        expand(c->conf, conf, sizeof conf);
        expand(c->name, name, sizeof name);
        expand(c->want, want, sizeof want);
        nb_resolvconf_parse(conf, strlen(conf), &rc);
        n = nb_search_names(name, &rc, out, N(out));
        names_text(name, &rc, out, n, got);
        if (strcmp(got, want) != 0)
            fail_msg("%s: want '%s', got '%s'", c->what, want, got);
    }
}

/* Every one of 32 domains is used (glibc >= 2.26 has no limit); the 33rd is not kept. */
static void test_search_names_many_domains(void **state)
{
    static char conf[2048], want[JOIN_MAX], got[JOIN_MAX];
    static struct nb_search_name out[NB_SEARCH_NAMES_MAX];
    struct nb_resolvconf rc;
    size_t n;

    (void)state;
    strcpy(conf, "search");
    want[0] = '\0';
    for (int i = 1; i <= NB_CONF_MAX_SEARCH + 1; i++) {
        sprintf(conf + strlen(conf), " d%d.example", i);
        if (i <= NB_CONF_MAX_SEARCH)
            sprintf(want + strlen(want), "h.d%d.example ", i);
    }
    strcat(conf, "\n");
    strcat(want, "h");
    nb_resolvconf_parse(conf, strlen(conf), &rc);
    assert_int_equal(rc.nsearch, NB_CONF_MAX_SEARCH);
    assert_int_equal(rc.ignored, 1);
    n = nb_search_names("h", &rc, out, N(out));
    assert_int_equal(n, NB_CONF_MAX_SEARCH + 1);
    names_text("h", &rc, out, n, got);
    assert_string_equal(got, want);

    /* out holds max names, never more */
    n = nb_search_names("h", &rc, out, 3);
    assert_int_equal(n, 3);
    names_text("h", &rc, out, n, got);
    assert_string_equal(got, "h.d1.example h.d2.example h.d3.example");
}

/* --- the search as a state machine ------------------------------------------ */

#define RCODE_NONE 99 /* reply(): the question got no usable reply at all */

struct asked {
    char name[NB_DNS_NAME_TEXT];
    uint16_t type;
    size_t slot;
    int edns;
};

/* Every question the search wants now, into a[]; returns how many (the search's next). */
static size_t ask_all(struct nb_search *s, struct asked *a, size_t max, int *over)
{
    struct nb_search_q q;
    size_t n = 0;
    int r;

    while (n < max && (r = nb_search_next(s, &q)) > 0) {
        snprintf(a[n].name, sizeof a[n].name, "%s", q.qname);
        a[n].type = q.type;
        a[n].slot = q.slot;
        a[n].edns = q.edns;
        n++;
    }
    *over = n == 0 && nb_search_next(s, &(struct nb_search_q){0}) < 0;
    return n;
}

/* Answers question a with rcode (and one record of its type when records), as a server would:
 * the query made into its reply. RCODE_NONE: no usable reply (SERVFAIL from every server). */
static void reply(struct nb_search *s, const struct asked *a, unsigned rcode, int records)
{
    uint8_t m[600];
    size_t len;
    struct nb_dns_exchange_info info = {0};
    struct nb_search_q q = {.qname = a->name, .type = a->type, .edns = a->edns};
    static const uint8_t rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};
    static const uint8_t rr6[] = {0xc0, 0x0c, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 1,
                                  0x0d, 0xb8, 0, 0,  0, 0, 0, 0, 0, 0,  0, 0,  0,    1};

    if (rcode == RCODE_NONE) {
        struct nb_err e = {.code = NB_E_RESOLVE};
        snprintf(e.msg, sizeof e.msg, "no name server answered usefully: SERVFAIL");
        info.rejected = NB_DNS_SERVFAIL;
        nb_search_reply(s, a->slot, NULL, 0, &info, &e);
        return;
    }
    assert_int_equal(nb_search_query(&q, m, sizeof m, &len, NULL), 0);
    if (a->edns) { /* the OPT record (11 bytes) goes, as an answer has none here */
        len -= 11;
        m[11] = 0;
    }
    m[2] |= 0x80;
    m[3] = (uint8_t)((m[3] & 0xf0) | rcode);
    if (records) {
        const uint8_t *r = a->type == NB_DNS_A ? rr : rr6;
        size_t n = a->type == NB_DNS_A ? sizeof rr : sizeof rr6;
        memcpy(m + len, r, n);
        len += n;
        m[7] = 1;
    }
    nb_search_reply(s, a->slot, m, len, &info, NULL);
}

static const uint16_t A_AAAA[] = {NB_DNS_A, NB_DNS_AAAA};

/* A search for "www" over conf's search list, asking A (and AAAA when ntypes is 2). */
static struct nb_search *search_www(const char *conf, struct nb_resolvconf *rc, size_t ntypes,
                                    int together)
{
    struct nb_err e = {0};
    struct nb_search *s;

    nb_resolvconf_parse(conf, strlen(conf), rc);
    s = nb_search_new(rc, "www", A_AAAA, ntypes, together, NULL, &e);
    assert_non_null(s);
    return s;
}

/* Together: A and AAAA of a search name asked at once, the next name only when both are in. */
static void test_search_together(void **state)
{
    struct nb_resolvconf rc;
    struct asked a[4];
    struct nb_lookup out[NB_RESOLVER_TYPES_MAX];
    size_t n, nout;
    int over;
    struct nb_err e = {0};
    struct nb_search *s = search_www("search a.test b.test\n", &rc, 2, 1);

    (void)state;
    n = ask_all(s, a, 4, &over);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].name, "www.a.test");
    assert_string_equal(a[1].name, "www.a.test");
    assert_int_equal(a[0].type, NB_DNS_A);
    assert_int_equal(a[1].type, NB_DNS_AAAA);
    /* A fails first: the name waits for AAAA too, then the next name */
    reply(s, &a[0], RCODE_NONE, 0);
    assert_int_equal(ask_all(s, a + 2, 2, &over), 0);
    assert_false(over);
    reply(s, &a[1], NB_DNS_NXDOMAIN, 0);
    n = ask_all(s, a, 4, &over);
    assert_int_equal(n, 2);
    assert_string_equal(a[0].name, "www.b.test");
    assert_string_equal(a[1].name, "www.b.test");
    reply(s, &a[0], NB_DNS_NOERROR, 1);
    assert_int_equal(ask_all(s, a + 2, 2, &over), 0);
    assert_false(over); /* found by A, but AAAA is still out: not over yet */
    reply(s, &a[1], NB_DNS_NOERROR, 1);
    assert_int_equal(ask_all(s, a, 4, &over), 0);
    assert_true(over);
    assert_int_equal(nb_search_end(s, out, &nout, &e), 0);
    assert_int_equal(nout, 2);
    assert_string_equal(out[0].asked, "www.b.test");
    assert_int_equal(out[0].nanswers, 1);
    assert_int_equal(out[1].nanswers, 1);
    assert_string_equal(out[0].final, "www.b.test.");
    nb_lookup_free(&out[0]);
    nb_lookup_free(&out[1]);
    nb_search_free(s);
}

/* One at a time: AAAA only after A's NOERROR; an NXDOMAIN for A skips AAAA. */
static void test_search_one_at_a_time(void **state)
{
    struct nb_resolvconf rc;
    struct asked a[4];
    struct nb_lookup out[NB_RESOLVER_TYPES_MAX], moved;
    size_t nout;
    int over;
    struct nb_err e = {0};
    struct nb_search *s = search_www("search a.test\n", &rc, 2, 0);

    (void)state;
    assert_int_equal(ask_all(s, a, 4, &over), 1);
    assert_string_equal(a[0].name, "www.a.test");
    assert_int_equal(a[0].type, NB_DNS_A);
    reply(s, &a[0], NB_DNS_NXDOMAIN, 0);
    assert_int_equal(ask_all(s, a, 4, &over), 1); /* no AAAA for www.a.test */
    assert_string_equal(a[0].name, "www");
    assert_int_equal(a[0].type, NB_DNS_A);
    reply(s, &a[0], NB_DNS_NOERROR, 0);
    assert_int_equal(ask_all(s, a, 4, &over), 1);
    assert_int_equal(a[0].type, NB_DNS_AAAA);
    reply(s, &a[0], NB_DNS_NOERROR, 1);
    assert_int_equal(ask_all(s, a, 4, &over), 0);
    assert_true(over);
    assert_int_equal(nb_search_end(s, out, &nout, &e), 0);
    assert_int_equal(nout, 2);
    assert_int_equal(out[0].nanswers, 0);
    assert_int_equal(out[1].nanswers, 1);
    /* a moved lookup's final points into the copy */
    nb_lookup_move(&moved, &out[1]);
    assert_ptr_equal(moved.final, moved.msg.qname);
    nb_lookup_free(&out[0]);
    nb_lookup_free(&moved);
    nb_search_free(s);
}

/* FORMERR to a question with EDNS0: the same question again, without. REFUSED on a search
 * domain: no more domains, the name as given last (glibc). */
static void test_search_formerr_refused(void **state)
{
    struct nb_resolvconf rc;
    struct asked a[4];
    struct nb_lookup out[NB_RESOLVER_TYPES_MAX];
    size_t nout;
    int over;
    struct nb_err e = {0};
    struct nb_search *s = search_www("search a.test b.test\n", &rc, 1, 1);

    (void)state;
    assert_int_equal(ask_all(s, a, 4, &over), 1);
    assert_true(a[0].edns);
    reply(s, &a[0], NB_DNS_FORMERR, 0);
    assert_int_equal(ask_all(s, a, 4, &over), 1);
    assert_string_equal(a[0].name, "www.a.test");
    assert_false(a[0].edns);
    reply(s, &a[0], NB_DNS_REFUSED, 0);
    assert_int_equal(ask_all(s, a, 4, &over), 1);
    assert_string_equal(a[0].name, "www"); /* not www.b.test */
    reply(s, &a[0], NB_DNS_NXDOMAIN, 0);
    assert_int_equal(ask_all(s, a, 4, &over), 0);
    assert_true(over);
    assert_int_equal(nb_search_end(s, out, &nout, &e), 0);
    assert_int_equal(nout, 1);
    assert_int_equal(out[0].msg.rcode, NB_DNS_NXDOMAIN);
    assert_string_equal(out[0].asked, "www");
    nb_lookup_free(&out[0]);
    nb_search_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_names_table),
        cmocka_unit_test(test_search_names_many_domains),
        cmocka_unit_test(test_search_together),
        cmocka_unit_test(test_search_one_at_a_time),
        cmocka_unit_test(test_search_formerr_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
