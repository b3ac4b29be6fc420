/* fuzz_dns.c - libFuzzer target: the DNS reply parser (nb_dns_parse) on any bytes, with
 * nb_dns_matches against a fixed query and a query rebuilt from the reply's own question,
 * nb_dns_follow from the parsed question name, and nb_dns_explain into a capturing callback.
 *
 * Invariants, each checked with abort():
 * - on success: nrr <= NB_DNS_MAX_RECORDS and no more than the header counts; every record's
 *   name, data and target are NUL-terminated presentation text of printable ASCII (no byte
 *   below 0x20, no DEL, nothing above 0x7e: safe for a terminal); rdata_off + rdlen <= size;
 *   records in message order and section order; A is 4 bytes, AAAA 16; a name goes back to
 *   wire form and a query carrying it parses to the same text; a second parse is identical;
 * - on failure: e.code is NB_E_PROTO or NB_E_SYS, the message is one non-empty line of
 *   printable text;
 * - matches agrees with what the parse says about id, QR, question;
 * - follow returns a real chain (each hop a CNAME in the answers, owner = previous target, no
 *   name twice, at most NB_DNS_MAX_CHAIN) or NB_E_PROTO;
 * - every explain line is printable text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <netbasics/dns.h>
#include <netbasics/err.h>
#include <netbasics/out.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_dns: %s\n", what);                                               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The fixed query: id 0x1234, www.example.com A, with an OPT (the seeds answer it). */
static uint8_t fixed_q[512];
static size_t fixed_qlen;

/* s is a NUL-terminated string of at most max bytes, each printable ASCII. */
/* s is printable ASCII (utf8 0), or also holds valid UTF-8 beyond ASCII
 * (utf8 1: our own prose, such as the explain lines' dashes) - never a C0,
 * DEL, C1 or bidi control - and is shorter than max. */
static void check_text_in(const char *s, size_t max, const char *what, int utf8)
{
    size_t n = 0;

    CHECK(s != NULL, what);
    while (s[n]) {
        unsigned char c = (unsigned char)s[n];
        uint32_t cp = c;
        size_t k = 1;
        if (c >= 0x80 && utf8)
            k = nb_utf8_decode((const unsigned char *)s + n, strlen(s + n), &cp);
        if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp > 0x7e && !utf8) ||
            (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
            fprintf(stderr, "fuzz_dns: byte 0x%02x at %zu of %s\n", c, n, what);
            abort();
        }
        n += k;
        CHECK(n <= max, what);
    }
}

static void check_text(const char *s, size_t max, const char *what)
{
    check_text_in(s, max, what, 0);
}

/* name is a presentation name: it ends with its dot, fits NB_DNS_NAME_TEXT, goes back to a
 * wire form of at most 255 bytes, and a query for it parses to the same text. */
static void check_name(const char *name, const char *what)
{
    uint8_t wire[NB_DNS_NAME_WIRE_MAX + 1], q[512];
    size_t wlen, qlen, n;
    struct nb_err e;
    struct nb_dns_msg back;

    check_text(name, NB_DNS_NAME_TEXT - 1, what);
    n = strlen(name);
    CHECK(n >= 1 && name[n - 1] == '.', "a name without its final dot");
    if (nb_dns_name_to_wire(name, wire, sizeof wire, &wlen, &e) != 0) {
        fprintf(stderr, "fuzz_dns: %s '%s' does not go back to wire form: %s\n", what, name, e.msg);
        abort();
    }
    CHECK(wlen >= 1 && wlen <= NB_DNS_NAME_WIRE_MAX && wire[wlen - 1] == 0, "wire form length");
    CHECK(nb_dns_build_query(name, NB_DNS_A, 1, 0, q, sizeof q, &qlen, &e) == 0,
          "no query for a parsed name");
    CHECK(qlen == 12 + wlen + 4, "query length");
    CHECK(nb_dns_parse(q, qlen, &back, &e) == 0, "the query for a parsed name does not parse");
    if (strcmp(back.qname, name) != 0) {
        fprintf(stderr, "fuzz_dns: %s '%s' comes back as '%s'\n", what, name, back.qname);
        abort();
    }
    nb_dns_msg_free(&back);
}

static void check_err(const struct nb_err *e, const char *what)
{
    CHECK(e->code == NB_E_PROTO || e->code == NB_E_SYS, what);
    CHECK(e->msg[0] != '\0', "an empty error message");
    CHECK(memchr(e->msg, '\0', sizeof e->msg) != NULL, "an error message without its NUL");
    CHECK(strchr(e->msg, '\n') == NULL, "an error message with a newline");
    check_text(e->msg, NB_ERR_MSG_MAX - 1, "the error message");
}

static int is_name_type(uint16_t t)
{
    return t == NB_DNS_CNAME || t == NB_DNS_NS || t == NB_DNS_PTR || t == NB_DNS_MX ||
           t == NB_DNS_SRV;
}

static void check_msg(const struct nb_dns_msg *m, const uint8_t *data, size_t size)
{
    size_t prev_end = 12;

    CHECK(size >= 12, "a message under 12 bytes parsed");
    CHECK(m->id == (data[0] << 8 | data[1]), "id");
    CHECK(m->qr == (unsigned)(data[2] >> 7), "QR");
    CHECK(m->qdcount <= 1, "more than one question accepted");
    CHECK(m->has_question == (m->qdcount == 1), "has_question and qdcount disagree");
    CHECK(m->nrr <= NB_DNS_MAX_RECORDS, "too many records");
    CHECK(m->nrr <= (size_t)m->ancount + m->nscount + m->arcount, "more records than counted");
    CHECK(m->nrr == 0 || m->rr != NULL, "records without their array");
    CHECK(m->rcode <= 4095, "rcode wider than 12 bits");
    if (!m->edns)
        CHECK(m->rcode == (unsigned)(data[3] & 15), "rcode without EDNS");
    else
        CHECK((m->rcode & 15) == (unsigned)(data[3] & 15), "low rcode bits with EDNS");
    if (m->has_question) {
        check_name(m->qname, "qname");
    } else {
        CHECK(m->qname[0] == '\0', "a qname without a question");
    }
    for (size_t i = 0; i < m->nrr; i++) {
        const struct nb_dns_rr *r = &m->rr[i];
        CHECK(r->type != NB_DNS_OPT, "an OPT kept as a record");
        CHECK(r->offset >= prev_end, "records out of order or overlapping");
        CHECK(r->rdata_off >= r->offset + 11, "record data inside its header");
        CHECK(r->rdata_off <= size && r->rdlen <= size - r->rdata_off,
              "rdata_off + rdlen past the input");
        CHECK(r->section <= NB_DNS_ADDITIONAL, "section");
        CHECK(i == 0 || r->section >= m->rr[i - 1].section, "sections out of order");
        prev_end = r->rdata_off + r->rdlen;
        check_name(r->name, "owner name");
        check_text(r->data, 4 * 65535 + 16, "record data");
        if (is_name_type(r->type)) {
            CHECK(r->target != NULL, "a name record without its target");
            check_name(r->target, "target");
        } else {
            CHECK(r->target == NULL, "a target on a record that has none");
        }
        if (r->type == NB_DNS_A)
            CHECK(r->rdlen == 4 && r->addr.family == 4 &&
                      !memcmp(r->addr.b, data + r->rdata_off, 4),
                  "an A record");
        if (r->type == NB_DNS_AAAA)
            CHECK(r->rdlen == 16 && r->addr.family == 6 &&
                      !memcmp(r->addr.b, data + r->rdata_off, 16),
                  "an AAAA record");
    }
}

/* A second parse of the same bytes gives the same message. */
static void check_same(const struct nb_dns_msg *a, const uint8_t *data, size_t size)
{
    struct nb_dns_msg b;
    struct nb_err e;

    CHECK(nb_dns_parse(data, size, &b, &e) == 0, "a second parse fails");
    CHECK(a->nrr == b.nrr && a->rcode == b.rcode && a->edns == b.edns &&
              a->edns_payload == b.edns_payload && !strcmp(a->qname, b.qname),
          "a second parse differs");
    for (size_t i = 0; i < a->nrr; i++)
        CHECK(!strcmp(a->rr[i].name, b.rr[i].name) && !strcmp(a->rr[i].data, b.rr[i].data) &&
                  a->rr[i].ttl == b.rr[i].ttl && a->rr[i].offset == b.rr[i].offset,
              "a second parse gives another record");
    nb_dns_msg_free(&b);
}

static void check_matches(const struct nb_dns_msg *m, int parsed, const uint8_t *data, size_t size)
{
    int got = nb_dns_matches(fixed_q, fixed_qlen, data, size);

    /* dns.h: a FORMERR with the query's id and no question also answers it */
    int formerr = size >= 12 && data[4] == 0 && data[5] == 0 && (data[3] & 15) == NB_DNS_FORMERR;

    CHECK(got == 0 || got == 1, "matches is not 0 or 1");
    if (got) {
        CHECK(size >= 12 && data[0] == 0x12 && data[1] == 0x34 && (data[2] & 0x80) &&
                  ((data[4] == 0 && data[5] == 1) || formerr),
              "a match with the wrong id, QR clear or no single question");
    }
    if (!parsed)
        return;
    if (got && !formerr)
        CHECK(m->has_question && nb_dns_name_eq(m->qname, "www.example.com.") &&
                  m->qtype == NB_DNS_A && m->qclass == 1,
              "a match for another question");
    if (m->id == 0x1234 && m->qr && m->has_question &&
        nb_dns_name_eq(m->qname, "www.example.com.") && m->qtype == NB_DNS_A && m->qclass == 1)
        CHECK(got == 1, "the reply to the fixed query does not match it");

    /* the question of the reply, asked again with the reply's id, is answered by it */
    if (m->has_question && m->qr && m->qclass == 1) {
        uint8_t q[512];
        size_t qlen;
        struct nb_err e;
        CHECK(nb_dns_build_query(m->qname, m->qtype, m->id, 0, q, sizeof q, &qlen, &e) == 0,
              "no query for the reply's own question");
        CHECK(nb_dns_matches(q, qlen, data, size) == 1,
              "a reply does not match a query for its own question");
    }
}

static void check_follow(const struct nb_dns_msg *m)
{
    const struct nb_dns_rr *chain[NB_DNS_MAX_CHAIN];
    const char *final = NULL;
    size_t n = 9999;
    struct nb_err e;

    if (!m->has_question)
        return;
    nb_err_clear(&e);
    if (nb_dns_follow(m, m->qname, chain, &n, &final, &e) != 0) {
        CHECK(e.code == NB_E_PROTO, "follow fails with another code");
        check_err(&e, "follow's error");
        return;
    }
    CHECK(n <= NB_DNS_MAX_CHAIN, "a chain longer than the limit");
    CHECK(final != NULL, "no final name");
    check_text(final, NB_DNS_NAME_TEXT - 1, "final name");
    if (n == 0)
        CHECK(final == m->qname, "final is not qname without a chain");
    for (size_t i = 0; i < n; i++) {
        const struct nb_dns_rr *h = chain[i];
        CHECK(h >= m->rr && h < m->rr + m->nrr, "a hop outside the message");
        CHECK(h->type == NB_DNS_CNAME && h->section == NB_DNS_ANSWER, "a hop that is no CNAME");
        CHECK(nb_dns_name_eq(h->name, i ? chain[i - 1]->target : m->qname), "a broken chain");
        for (size_t k = 0; k < i; k++)
            CHECK(!nb_dns_name_eq(chain[k]->name, h->name), "a name twice in a chain");
        CHECK(!nb_dns_name_eq(h->target, m->qname), "a chain back to the question");
    }
    if (n)
        CHECK(final == chain[n - 1]->target, "final is not the last target");
    /* the chain ends: no CNAME in the answers is owned by final */
    for (size_t i = 0; i < m->nrr; i++)
        CHECK(!(m->rr[i].type == NB_DNS_CNAME && m->rr[i].section == NB_DNS_ANSWER &&
                nb_dns_name_eq(m->rr[i].name, final)),
              "the chain stops before its end");
}

struct capture {
    size_t lines;
};

static void on_line(void *ctx, const char *line)
{
    struct capture *c = ctx;

    c->lines++;
    check_text_in(line, 1023, "an explain line", 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size heap copy: a read past size shows in ASan */
    uint8_t *msg = malloc(size ? size : 1);
    struct nb_dns_msg m;
    struct nb_err e;
    struct capture cap = {0};
    struct nb_explain x = {on_line, &cap, NB_EXPLAIN_PACKETS};
    int rc;

    if (!msg)
        return 0;
    if (!fixed_qlen)
        CHECK(nb_dns_build_query("www.example.com", NB_DNS_A, 0x1234, NB_DNS_EDNS_PAYLOAD, fixed_q,
                                 sizeof fixed_q, &fixed_qlen, NULL) == 0,
              "the fixed query");
    memcpy(msg, data, size);

    nb_err_clear(&e);
    memset(&m, 0xa5, sizeof m);
    rc = nb_dns_parse(msg, size, &m, &e);
    CHECK(rc == 0 || rc == -1, "parse returns neither 0 nor -1");
    if (rc == 0) {
        CHECK(e.code == NB_E_NONE, "success with an error set");
        check_msg(&m, msg, size);
        check_same(&m, msg, size);
        check_follow(&m);
    } else {
        check_err(&e, "parse's error");
    }
    check_matches(&m, rc == 0, msg, size);
    nb_dns_msg_free(&m);

    nb_dns_explain(&x, "reply", msg, size);
    CHECK(cap.lines >= 1, "explain said nothing");
    CHECK(cap.lines <= 16 + size / 16 * 2 + 4 * (size / 11 + 1), "explain said too much");
    nb_dns_explain(NULL, "reply", msg, size); /* a silent channel is fine */
    free(msg);
    return 0;
}
