/* test_http.c - the incremental HTTP/1.1 response parser: every response is fed
 * all at once, byte by byte, in every two-way split (when short) and in random
 * splits from a fixed seed, and every way must give the same status, headers,
 * body, framing and error. Then the hostile responses of issue 5: each is
 * refused with NB_E_PROTO and a message naming the broken rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netbasics/http.h>

#define N(a)    (sizeof(a) / sizeof((a)[0]))
#define TEXT(s) s, sizeof(s) - 1 /* a text with its length, so NUL bytes inside count */

#define SEED          0x5eed2026u
#define RANDOM_SPLITS 40
#define TWO_WAY_MAX   600 /* inputs up to this size are also split in two at every byte */

/* ---- what the callbacks saw ---------------------------------------------------------------- */

struct rec {
    int status;
    char reason[128];
    int nstatus;   /* on_status calls */
    char *headers; /* "Name: value\n" for each on_header call */
    size_t hlen, hcap;
    int nheaders;
    uint8_t *body;
    size_t blen, bcap;
    int ndone;           /* on_headers_done calls */
    int early_body;      /* on_body before on_headers_done */
    int empty_body_call; /* on_body with n == 0 */
    char chunks[512];    /* the chunk sizes, "5,0" */
    int stop_body;       /* on_body returns -1 */
};

/* The whole outcome of one way of feeding a response. */
struct outcome {
    struct rec r;
    int rc; /* 0, or -1 from feed, or -1 from finish */
    int failed_in_finish;
    size_t used;        /* bytes the feed calls used */
    int short_not_done; /* a feed used fewer bytes than given but the response was not done */
    enum nb_errcode code;
    char msg[NB_ERR_MSG_MAX];
    enum nb_http_framing framing;
    uint64_t body_bytes, length;
    int done;
    char location[NB_HTTP_LOCATION_MAX + 1];
};

static void grow(void **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    while (*cap < need)
        *cap = *cap ? *cap * 2 : 1024;
    *buf = realloc(*buf, *cap);
    assert_non_null(*buf);
}

static void on_status(void *ctx, int status, const char *reason, size_t len)
{
    struct rec *r = ctx;

    r->status = status;
    r->nstatus++;
    snprintf(r->reason, sizeof r->reason, "%.*s", (int)len, reason);
}

static void on_header(void *ctx, const char *n, size_t nl, const char *v, size_t vl)
{
    struct rec *r = ctx;
    void *p = r->headers;

    grow(&p, &r->hcap, r->hlen + nl + vl + 4);
    r->headers = p;
    memcpy(r->headers + r->hlen, n, nl);
    memcpy(r->headers + r->hlen + nl, ": ", 2);
    memcpy(r->headers + r->hlen + nl + 2, v, vl);
    r->hlen += nl + vl + 3;
    r->headers[r->hlen - 1] = '\n';
    r->headers[r->hlen] = '\0';
    r->nheaders++;
}

static void on_headers_done(void *ctx)
{
    struct rec *r = ctx;

    r->ndone++;
}

static int on_body(void *ctx, const uint8_t *p, size_t n)
{
    struct rec *r = ctx;
    void *b = r->body;

    if (r->ndone == 0)
        r->early_body = 1;
    if (n == 0)
        r->empty_body_call = 1;
    if (r->stop_body)
        return -1;
    grow(&b, &r->bcap, r->blen + n + 1);
    r->body = b;
    memcpy(r->body + r->blen, p, n);
    r->blen += n;
    return 0;
}

static void on_chunk(void *ctx, uint64_t size)
{
    struct rec *r = ctx;
    size_t l = strlen(r->chunks);

    if (l + 24 < sizeof r->chunks)
        snprintf(r->chunks + l, sizeof r->chunks - l, "%s%llu", l ? "," : "",
                 (unsigned long long)size);
}

static void outcome_free(struct outcome *o)
{
    free(o->r.headers);
    free(o->r.body);
    memset(o, 0, sizeof *o);
}

/* ---- feeding ------------------------------------------------------------------------------- */

static uint64_t rng_state = SEED;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

enum split { ALL, BYTES, TWO, RANDOM };

/* Feeds data in pieces: ALL in one, BYTES one by one, TWO at position at,
 * RANDOM in pieces of 1..max bytes from the generator; then finishes when the
 * feed did not fail. */
static void feed(const uint8_t *data, size_t len, int head, enum split how, size_t at, int stop,
                 struct outcome *o)
{
    static struct nb_http_parser p; /* large: not on the stack */
    struct nb_http_cb cb = {&o->r, on_status, on_header, on_headers_done, on_body, on_chunk};
    struct nb_err e;
    size_t i = 0, max = 1 + rnd() % 97;

    memset(o, 0, sizeof *o);
    memset(&e, 0, sizeof e);
    o->r.stop_body = stop;
    nb_http_init(&p, head);
    while (i < len || (how == ALL && len == 0 && i == 0)) {
        size_t k = len - i;
        long r;
        if (how == BYTES)
            k = 1;
        else if (how == TWO && i < at)
            k = at - i;
        else if (how == RANDOM)
            k = 1 + rnd() % max;
        if (k > len - i)
            k = len - i;
        r = nb_http_feed(&p, data + i, k, &cb, &e);
        if (r < 0) {
            o->rc = -1;
            break;
        }
        assert_true((size_t)r <= k);
        o->used += (size_t)r;
        if ((size_t)r < k && !nb_http_done(&p))
            o->short_not_done = 1;
        i += k;
        if (len == 0)
            break;
    }
    if (o->rc == 0 && nb_http_finish(&p, &e) < 0) {
        o->rc = -1;
        o->failed_in_finish = 1;
    }
    o->code = e.code;
    snprintf(o->msg, sizeof o->msg, "%s", e.msg);
    o->framing = p.framing;
    o->body_bytes = p.body_bytes;
    o->length = p.length;
    o->done = nb_http_done(&p);
    snprintf(o->location, sizeof o->location, "%s", p.location);
}

static const char *split_name(enum split how)
{
    return how == ALL     ? "all at once"
           : how == BYTES ? "byte by byte"
           : how == TWO   ? "in two"
                          : "random";
}

/* Whether two ways of feeding saw the same thing; prints the first difference. */
static int same_outcome(const struct outcome *a, const struct outcome *b, const char *name,
                        enum split how, size_t at)
{
    const char *what = NULL;

    if (a->rc != b->rc || a->failed_in_finish != b->failed_in_finish)
        what = "result";
    else if (a->code != b->code || strcmp(a->msg, b->msg))
        what = "error";
    else if (a->rc == 0 && a->used != b->used)
        what = "bytes used";
    else if (a->r.status != b->r.status || strcmp(a->r.reason, b->r.reason) ||
             a->r.nstatus != b->r.nstatus)
        what = "status";
    else if (a->r.hlen != b->r.hlen || (a->r.hlen && memcmp(a->r.headers, b->r.headers, a->r.hlen)))
        what = "headers";
    else if (a->r.blen != b->r.blen || (a->r.blen && memcmp(a->r.body, b->r.body, a->r.blen)))
        what = "body";
    else if (a->r.ndone != b->r.ndone || strcmp(a->r.chunks, b->r.chunks))
        what = "headers-done or chunks";
    else if (a->framing != b->framing || a->body_bytes != b->body_bytes || a->done != b->done)
        what = "framing";
    else if (strcmp(a->location, b->location))
        what = "location";
    if (!what)
        return 1;
    print_error("%s: fed %s (at %zu) differs in its %s: rc %d/%d, '%s' / '%s'\n", name,
                split_name(how), at, what, a->rc, b->rc, a->msg, b->msg);
    return 0;
}

/* The invariants of any one way of feeding. */
static int sane(const struct outcome *o, const char *name)
{
    const char *why = NULL;

    if (o->r.early_body)
        why = "body bytes before on_headers_done";
    else if (o->r.ndone > 1)
        why = "on_headers_done more than once";
    else if (o->r.nstatus > 1)
        why = "on_status more than once";
    else if (o->r.blen != o->body_bytes)
        why = "body_bytes is not the bytes delivered";
    else if (o->short_not_done)
        why = "a feed used fewer bytes than given before the response was complete";
    else if (o->rc == 0 && !o->done)
        why = "success but not done";
    else if (o->rc == 0 && o->framing == NB_HTTP_LENGTH && o->body_bytes != o->length)
        why = "a Content-Length body of another length";
    else if (o->rc == 0 && o->framing == NB_HTTP_NO_BODY && o->body_bytes != 0)
        why = "a body where there is none";
    else if (o->rc < 0 && (o->code == NB_E_NONE || !o->msg[0]))
        why = "an error without a message";
    if (!why)
        return 1;
    print_error("%s: %s\n", name, why);
    return 0;
}

/* Feeds data every way and checks they agree; returns the all-at-once outcome. */
static void feed_every_way(const char *name, const uint8_t *data, size_t len, int head,
                           struct outcome *ref)
{
    struct outcome o;
    int bad = 0;
    size_t at;

    feed(data, len, head, ALL, 0, 0, ref);
    bad += !sane(ref, name);
    feed(data, len, head, BYTES, 0, 0, &o);
    bad += !sane(&o, name) || !same_outcome(ref, &o, name, BYTES, 0);
    outcome_free(&o);
    if (len <= TWO_WAY_MAX) {
        for (at = 1; at < len && !bad; at++) {
            feed(data, len, head, TWO, at, 0, &o);
            bad += !sane(&o, name) || !same_outcome(ref, &o, name, TWO, at);
            outcome_free(&o);
        }
    }
    rng_state = SEED ^ (uint64_t)len << 20;
    for (int k = 0; k < RANDOM_SPLITS && !bad; k++) {
        feed(data, len, head, RANDOM, (size_t)k, 0, &o);
        bad += !sane(&o, name) || !same_outcome(ref, &o, name, RANDOM, (size_t)k);
        outcome_free(&o);
    }
    if (bad)
        fail_msg("%s: feeding in pieces changes the outcome", name);
}

/* ---- good responses ------------------------------------------------------------------------ */

struct good {
    const char *name;
    const char *data;
    size_t len;
    int head;
    int status;
    const char *reason;
    enum nb_http_framing framing;
    const char *body;    /* the de-chunked body */
    const char *headers; /* NULL: not checked */
    const char *chunks;  /* NULL: not checked */
    size_t unused;       /* bytes after the response, not used */
};

static const struct good GOOD[] = {
    {"Content-Length",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/html\r\n"
          "\r\nhello"),
     0, 200, "OK", NB_HTTP_LENGTH, "hello", "Content-Length: 5\nContent-Type: text/html\n", "", 0},
    {"Content-Length, then bytes of something else",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA"), 0, 200, "OK", NB_HTTP_LENGTH,
     "hi", NULL, NULL, 5},
    {"Content-Length 0", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 0, 200, "OK",
     NB_HTTP_LENGTH, "", NULL, NULL, 0},
    {"Content-Length 0, then more", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1"), 0,
     200, "OK", NB_HTTP_LENGTH, "", NULL, NULL, 8},
    {"Content-Length with a binary body",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n\r\n\0\n\r\xff"), 0, 200, "OK",
     NB_HTTP_LENGTH, NULL, NULL, NULL, 0},
    {"chunked with extensions and trailers",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
          "5;name=val\r\nhello\r\n6 ; a=b;c=\"x;y\"\r\n world\r\na\r\n0123456789\r\n"
          "0;last\r\nX-Trailer: t\r\nY: 2\r\n\r\n"),
     0, 200, "OK", NB_HTTP_CHUNKED, "hello world0123456789", "Transfer-Encoding: chunked\n",
     "5,6,10,0", 0},
    {"chunked: hex in both cases, leading zeros",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
          "000A\r\n0123456789\r\nb\r\nabcdefghijk\r\n00\r\n\r\n"),
     0, 200, "OK", NB_HTTP_CHUNKED, "0123456789abcdefghijk", NULL, "10,11,0", 0},
    {"chunked, CRLF inside the data",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\r\n\r\n\r\n0\r\n\r\n"), 0,
     200, "OK", NB_HTTP_CHUNKED, "\r\n\r\n", NULL, "4,0", 0},
    {"chunked, then bytes of something else",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\nEXTRA"), 0, 200,
     "OK", NB_HTTP_CHUNKED, "hi", NULL, "2,0", 5},
    {"chunked with bare LF line endings",
     TEXT("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n5\nhello\n0\nT: x\n\n"), 0, 200, "OK",
     NB_HTTP_CHUNKED, "hello", "Transfer-Encoding: chunked\n", "5,0", 0},
    {"close-delimited", TEXT("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nhello\r\n\r\nworld"), 0, 200,
     "OK", NB_HTTP_CLOSE, "hello\r\n\r\nworld", "Server: x\n", NULL, 0},
    {"close-delimited, empty", TEXT("HTTP/1.1 200 OK\r\n\r\n"), 0, 200, "OK", NB_HTTP_CLOSE, "", "",
     NULL, 0},
    {"HTTP/1.0 close-delimited", TEXT("HTTP/1.0 200 OK\r\n\r\nhello"), 0, 200, "OK", NB_HTTP_CLOSE,
     "hello", "", NULL, 0},
    {"HEAD with a Content-Length", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), 1, 200,
     "OK", NB_HTTP_NO_BODY, "", "Content-Length: 5\n", NULL, 0},
    {"HEAD with chunked", TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), 1, 200,
     "OK", NB_HTTP_NO_BODY, "", NULL, "", 0},
    {"HEAD, then the next response",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\n"), 1, 200, "OK",
     NB_HTTP_NO_BODY, "", NULL, NULL, 17},
    {"204 with a Content-Length", TEXT("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"),
     0, 204, "No Content", NB_HTTP_NO_BODY, "", NULL, NULL, 5},
    {"304 with a Content-Length",
     TEXT("HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\nETag: \"x\"\r\n\r\n"), 0, 304,
     "Not Modified", NB_HTTP_NO_BODY, "", "Content-Length: 100\nETag: \"x\"\n", NULL, 0},
    {"100 Continue then 200",
     TEXT("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"), 0, 200,
     "OK", NB_HTTP_LENGTH, "hi", NULL, NULL, 0},
    {"103 Early Hints then 200",
     TEXT("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nLink: </s.css>\r\n\r\nhi"),
     0, 200, "OK", NB_HTTP_LENGTH, "hi", NULL, NULL, 0},
    {"100, 103, then 200",
     TEXT("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: <a>\r\n\r\n"
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
     0, 200, "OK", NB_HTTP_LENGTH, "hi", NULL, NULL, 0},
    {"a 1xx's Content-Length is not the final one's",
     TEXT("HTTP/1.1 100 Continue\r\nContent-Length: 99\r\n\r\n"
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
     0, 200, "OK", NB_HTTP_LENGTH, "hi", NULL, NULL, 0},
    {"a 1xx's chunked is not the final one's",
     TEXT("HTTP/1.1 103 Early Hints\r\nTransfer-Encoding: chunked\r\n\r\n"
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
     0, 200, "OK", NB_HTTP_LENGTH, "hi", NULL, NULL, 0},
    {"bare LF line endings", TEXT("HTTP/1.1 200 OK\nContent-Length: 2\nX: y\n\nhi"), 0, 200, "OK",
     NB_HTTP_LENGTH, "hi", "Content-Length: 2\nX: y\n", NULL, 0},
    {"CRLF and bare LF mixed", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 2\nX: y\r\n\nhi"), 0, 200,
     "OK", NB_HTTP_LENGTH, "hi", "Content-Length: 2\nX: y\n", NULL, 0},
    {"chunked and Content-Length: chunked wins",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n"
          "2\r\nhi\r\n0\r\n\r\n"),
     0, 200, "OK", NB_HTTP_CHUNKED, "hi", NULL, "2,0", 0},
    {"Content-Length after chunked: chunked still wins",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n"
          "2\r\nhi\r\n0\r\n\r\n"),
     0, 200, "OK", NB_HTTP_CHUNKED, "hi", NULL, "2,0", 0},
    {"Content-Length \"5, 5\"", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"), 0,
     200, "OK", NB_HTTP_LENGTH, "hello", NULL, NULL, 0},
    {"Content-Length twice, the same",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length:5\r\n\r\nhello"), 0, 200, "OK",
     NB_HTTP_LENGTH, "hello", NULL, NULL, 0},
    {"a status line without a reason", TEXT("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"), 0, 200,
     "", NB_HTTP_LENGTH, "", NULL, NULL, 0},
    {"a status line with an empty reason", TEXT("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n"), 0,
     200, "", NB_HTTP_LENGTH, "", NULL, NULL, 0},
    {"a reason with spaces and ESC",
     TEXT("HTTP/1.1 404 Not \x1b[31mFound\r\nContent-Length: 1\r\n"
          "\r\nx"),
     0, 404, "Not \x1b[31mFound", NB_HTTP_LENGTH, "x", NULL, NULL, 0},
    {"a redirect",
     TEXT("HTTP/1.1 301 Moved Permanently\r\nLocation: /new/place\r\n"
          "Content-Length: 0\r\n\r\n"),
     0, 301, "Moved Permanently", NB_HTTP_LENGTH, "", "Location: /new/place\nContent-Length: 0\n",
     NULL, 0},
    {"header values are trimmed",
     TEXT("HTTP/1.1 200 OK\r\nX-A:   spaced  value \t\r\nX-B:\r\n"
          "X-C:\t\t\r\nContent-Length: 0\r\n\r\n"),
     0, 200, "OK", NB_HTTP_LENGTH, "", "X-A: spaced  value\nX-B: \nX-C: \nContent-Length: 0\n",
     NULL, 0},
    {"obs-text and control bytes in a value",
     TEXT("HTTP/1.1 200 OK\r\nX: caf\xc3\xa9 \x1b[0m\x7f\r\nContent-Length: 0\r\n\r\n"), 0, 200,
     "OK", NB_HTTP_LENGTH, "", "X: caf\xc3\xa9 \x1b[0m\x7f\nContent-Length: 0\n", NULL, 0},
    {"HEAD with Transfer-Encoding gzip: no body to decode",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"), 1, 200, "OK", NB_HTTP_NO_BODY, "",
     "Transfer-Encoding: gzip\n", NULL, 0},
    {"304 with Transfer-Encoding gzip, chunked",
     TEXT("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 0, 304,
     "Not Modified", NB_HTTP_NO_BODY, "", NULL, NULL, 0},
    {"a 103's Transfer-Encoding gzip is not the final one's",
     TEXT("HTTP/1.1 103 Early Hints\r\nTransfer-Encoding: gzip\r\n\r\n"
          "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
     0, 200, "OK", NB_HTTP_LENGTH, "hi", NULL, NULL, 0},
    /* obs-fold: each becomes one SP (RFC 9112 5.2) */
    {"obs-fold as in curl's test 1274",
     TEXT("HTTP/1.1 200 OK\r\nDate: Tue, 09 Nov 2010 14:49:00 GMT\r\nServer: test-server/\r\n"
          " fake\r\n folded\r\nLast-Modified: Tue, 13 Jun 2000 12:10:00 GMT\r\n"
          "Content-Length: 6\r\n\r\n-foo-\n"),
     0, 200, "OK", NB_HTTP_LENGTH, "-foo-\n",
     "Date: Tue, 09 Nov 2010 14:49:00 GMT\nServer: test-server/ fake folded\n"
     "Last-Modified: Tue, 13 Jun 2000 12:10:00 GMT\nContent-Length: 6\n",
     NULL, 0},
    {"obs-fold with tabs, blanks around it and bare LFs",
     TEXT("HTTP/1.1 200 OK\nX-A: one \t\n\t \ttwo\n  \n three\nContent-Length: 0\n\n"), 0, 200,
     "OK", NB_HTTP_LENGTH, "", "X-A: one two three\nContent-Length: 0\n", NULL, 0},
    {"obs-fold of an empty value",
     TEXT("HTTP/1.1 200 OK\r\nX-Empty:\r\n \r\nX-Late:\r\n\tvalue\r\nContent-Length: 0\r\n\r\n"), 0,
     200, "OK", NB_HTTP_LENGTH, "", "X-Empty: \nX-Late: value\nContent-Length: 0\n", NULL, 0},
    {"obs-fold inside Content-Length and Location",
     TEXT("HTTP/1.1 301 Moved\r\nLocation:\r\n /new\r\nContent-Length:\r\n  3\r\n\r\nabc"), 0, 301,
     "Moved", NB_HTTP_LENGTH, "abc", "Location: /new\nContent-Length: 3\n", NULL, 0},
    {"obs-fold in a 1xx and in the trailers",
     TEXT("HTTP/1.1 103 Early Hints\r\nLink: <a>\r\n ; rel=preload\r\n\r\n"
          "HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n chunked\r\n\r\n2\r\nhi\r\n0\r\n"
          "T: x\r\n y\r\n\r\n"),
     0, 200, "OK", NB_HTTP_CHUNKED, "hi", "Transfer-Encoding: chunked\n", "2,0", 0},
    /* any three-digit status is passed on: the caller handles 0xx and 6xx-9xx as a 5xx */
    {"status 999 (curl's test 1429)", TEXT("HTTP/1.1 999 OK\r\nContent-Length: 2\r\n\r\nhi"), 0,
     999, "OK", NB_HTTP_LENGTH, "hi", NULL, NULL, 0},
    {"status 600", TEXT("HTTP/1.1 600 X\r\n\r\nbody"), 0, 600, "X", NB_HTTP_CLOSE, "body", NULL,
     NULL, 0},
    {"status 099 is a final response", TEXT("HTTP/1.1 099 X\r\nContent-Length: 1\r\n\r\nz"), 0, 99,
     "X", NB_HTTP_LENGTH, "z", NULL, NULL, 0},
    {"status 000", TEXT("HTTP/1.0 000\r\nContent-Length: 0\r\n\r\n"), 0, 0, "", NB_HTTP_LENGTH, "",
     NULL, NULL, 0},
    {"a 500 with a body",
     TEXT("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\n"
          "oops"),
     0, 500, "Internal Server Error", NB_HTTP_LENGTH, "oops", NULL, NULL, 0},
};

static void test_good_responses(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < N(GOOD); i++) {
        const struct good *g = &GOOD[i];
        struct outcome o;

        feed_every_way(g->name, (const uint8_t *)g->data, g->len, g->head, &o);
        if (o.rc != 0)
            fail_msg("%s: refused: %s", g->name, o.msg);
        if (o.r.status != g->status || strcmp(o.r.reason, g->reason) || o.r.nstatus != 1)
            fail_msg("%s: status %d '%s' (%d calls)", g->name, o.r.status, o.r.reason, o.r.nstatus);
        if (o.framing != g->framing)
            fail_msg("%s: framing %d, not %d", g->name, o.framing, g->framing);
        if (o.r.ndone != 1)
            fail_msg("%s: on_headers_done called %d times", g->name, o.r.ndone);
        if (g->body &&
            (o.r.blen != strlen(g->body) || (o.r.blen && memcmp(o.r.body, g->body, o.r.blen))))
            fail_msg("%s: body '%.*s', not '%s'", g->name, (int)o.r.blen, (const char *)o.r.body,
                     g->body);
        if (g->headers && strcmp(o.r.headers ? o.r.headers : "", g->headers))
            fail_msg("%s: headers\n%s\nnot\n%s", g->name, o.r.headers ? o.r.headers : "",
                     g->headers);
        if (g->chunks && strcmp(o.r.chunks, g->chunks))
            fail_msg("%s: chunks '%s', not '%s'", g->name, o.r.chunks, g->chunks);
        if (o.used != g->len - g->unused)
            fail_msg("%s: used %zu of %zu bytes, not %zu", g->name, o.used, g->len,
                     g->len - g->unused);
        if (o.r.empty_body_call)
            fail_msg("%s: on_body called with no bytes", g->name);
        outcome_free(&o);
    }
}

/* A binary body with a NUL, CRs and LFs comes through byte for byte. */
static void test_binary_body(void **state)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n\r\n\0\n\r\xff";
    struct outcome o;

    (void)state;
    feed_every_way("binary", (const uint8_t *)resp, sizeof resp - 1, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.r.blen, 6);
    assert_memory_equal(o.r.body, "\r\n\0\n\r\xff", 6);
    outcome_free(&o);
}

/* Location is kept for the caller (a Content-Type beside it changes nothing). */
static void test_location_and_type(void **state)
{
    static const char resp[] = "HTTP/1.1 302 Found\r\nContent-Type:  text/html; charset=utf-8 \r\n"
                               "Location:\thttp://example.com/next?x=1 \r\nContent-Length: 3\r\n"
                               "\r\nabc";
    static const char interim[] = "HTTP/1.1 103 Early Hints\r\nLocation: /not-this\r\n\r\n"
                                  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    struct outcome o;

    (void)state;
    feed_every_way("location", (const uint8_t *)resp, sizeof resp - 1, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_string_equal(o.location, "http://example.com/next?x=1");
    outcome_free(&o);
    feed_every_way("interim location", (const uint8_t *)interim, sizeof interim - 1, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_string_equal(o.location, "");
    outcome_free(&o);
}

/* A response made of many lines: a big but legal head. */
static char *make_head(size_t nheaders, size_t value_len, const char *tail, size_t *len)
{
    size_t cap = 64 + nheaders * (value_len + 16) + strlen(tail);
    char *s = malloc(cap);
    size_t o;

    assert_non_null(s);
    o = (size_t)snprintf(s, cap, "HTTP/1.1 200 OK\r\n");
    for (size_t i = 0; i < nheaders; i++) {
        o += (size_t)snprintf(s + o, cap - o, "X-%04zu: ", i);
        memset(s + o, 'v', value_len);
        o += value_len;
        memcpy(s + o, "\r\n", 2);
        o += 2;
    }
    o += (size_t)snprintf(s + o, cap - o, "%s", tail);
    *len = o;
    return s;
}

static void test_limits_that_pass(void **state)
{
    struct outcome o;
    size_t len;
    char *s;

    (void)state;
    /* 150 Set-Cookie-sized lines and 2,000 short ones: no count of lines */
    s = make_head(149, 100, "Content-Length: 2\r\n\r\nhi", &len);
    feed_every_way("150 headers", (const uint8_t *)s, len, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.r.nheaders, 150);
    assert_int_equal(o.r.blen, 2);
    outcome_free(&o);
    free(s);
    s = make_head(2000, 1, "Content-Length: 2\r\n\r\nhi", &len);
    feed_every_way("2,001 headers", (const uint8_t *)s, len, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.r.nheaders, 2001);
    outcome_free(&o);
    free(s);
    /* an 18 KB line (curl's test 1205), and one of exactly 100 KiB with its CR */
    s = make_head(1, 18000, "Content-Length: 2\r\n\r\nhi", &len);
    feed_every_way("an 18 KB header", (const uint8_t *)s, len, 0, &o);
    assert_int_equal(o.rc, 0);
    outcome_free(&o);
    free(s);
    s = make_head(1, NB_HTTP_LINE_MAX - 9, "Content-Length: 2\r\n\r\nhi", &len);
    feed_every_way("a header line of 100 KiB", (const uint8_t *)s, len, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.r.hlen, NB_HTTP_LINE_MAX - 9 + 8 + 1 + 18);
    outcome_free(&o);
    free(s);
    /* a head of just under 300 KiB in lines of 60 KB */
    s = make_head(5, 60000, "Content-Length: 2\r\n\r\nhi", &len);
    assert_true(len > 300000 && len < NB_HTTP_HEAD_MAX);
    feed_every_way("a 300 KB head", (const uint8_t *)s, len, 0, &o);
    assert_int_equal(o.rc, 0);
    outcome_free(&o);
    free(s);
    /* chunk-size lines do not count towards the head: 20,000 chunks */
    {
        size_t cap = 64 + 20000 * 8, n;
        char *c = malloc(cap);
        assert_non_null(c);
        n = (size_t)snprintf(c, cap, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 20000; i++)
            n += (size_t)snprintf(c + n, cap - n, "1\r\nx\r\n");
        n += (size_t)snprintf(c + n, cap - n, "0\r\n\r\n");
        feed_every_way("20,000 chunks", (const uint8_t *)c, n, 0, &o);
        assert_int_equal(o.rc, 0);
        assert_int_equal(o.r.blen, 20000);
        outcome_free(&o);
        free(c);
    }
}

/* A body of 1 MiB in Content-Length and chunked framing, in random pieces. */
static void test_big_body(void **state)
{
    size_t body = 1u << 20, cap = body + 4096, n, i;
    char *s = malloc(cap);
    struct outcome o;

    (void)state;
    assert_non_null(s);
    n = (size_t)snprintf(s, cap, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", body);
    for (i = 0; i < body; i++)
        s[n + i] = (char)(i * 7 + (i >> 8));
    feed_every_way("1 MiB Content-Length", (const uint8_t *)s, n + body, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.r.blen, body);
    assert_memory_equal(o.r.body, s + n, body);
    outcome_free(&o);
    /* the same bytes in chunks of 0x1000 and a last short one */
    n = (size_t)snprintf(s, cap, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (i = 0; i < 100; i++) {
        n += (size_t)snprintf(s + n, cap - n, "1000\r\n");
        memset(s + n, 'a' + (int)(i % 26), 0x1000);
        n += 0x1000;
        n += (size_t)snprintf(s + n, cap - n, "\r\n");
    }
    n += (size_t)snprintf(s + n, cap - n, "3\r\nend\r\n0\r\n\r\n");
    feed_every_way("chunked 400 KiB", (const uint8_t *)s, n, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.r.blen, 100 * 0x1000 + 3);
    assert_memory_equal(o.r.body + 100 * 0x1000, "end", 3);
    outcome_free(&o);
    free(s);
}

/* ---- hostile responses --------------------------------------------------------------------- */

struct hostile {
    const char *name;
    const char *data;
    size_t len;
    int head;
    int at_finish;   /* the error shows only when the connection closes */
    const char *msg; /* a part of the message */
};

#define CHUNKED "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

static const struct hostile HOSTILE[] = {
    /* Content-Length */
    {"Content-Length -1", TEXT("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nx"), 0, 0,
     "Content-Length '-1' is not a number"},
    {"Content-Length 5abc", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5abc\r\n\r\nhello"), 0, 0,
     "Content-Length '5abc' is not a number"},
    {"Content-Length +5", TEXT("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello"), 0, 0,
     "Content-Length '+5'"},
    {"Content-Length 0x10", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\nhello"), 0, 0,
     "Content-Length '0x10'"},
    {"Content-Length 5 5", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\nhello"), 0, 0,
     "Content-Length '5 5'"},
    {"Content-Length empty", TEXT("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nhello"), 0, 0,
     "Content-Length"},
    {"Content-Length huge",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n"
          "\r\nx"),
     0, 0, "Content-Length is too large"},
    {"Content-Length 2^64",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n"
          "x"),
     0, 0, "Content-Length is too large"},
    {"Content-Length 2^64-1",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n"
          "\r\nx"),
     0, 0, "Content-Length is too large"},
    {"Content-Length conflicting",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"), 0, 0,
     "two different Content-Length values (5 and 6)"},
    {"Content-Length 5, 6", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!"), 0, 0,
     "two different Content-Length values (5 and 6)"},
    /* chunk sizes */
    {"chunk size FFFFFFFFFFFFFFFF", TEXT(CHUNKED "FFFFFFFFFFFFFFFF\r\nxx"), 0, 0,
     "bytes is too large"},
    {"chunk size of 17 hex digits", TEXT(CHUNKED "10000000000000000\r\nxx"), 0, 0,
     "chunk size of 17 or more hex digits is too large"},
    {"chunk size of 40 hex digits", TEXT(CHUNKED "1000000000000000000000000000000000000000\r\n"), 0,
     0, "too large"},
    {"chunk size -5", TEXT(CHUNKED "-5\r\nhello\r\n0\r\n\r\n"), 0, 0,
     "chunk size line '-5' does not start with hex digits"},
    {"chunk size empty", TEXT(CHUNKED "\r\nhello\r\n0\r\n\r\n"), 0, 0,
     "chunk size line '' does not start with hex digits"},
    {"chunk size with junk", TEXT(CHUNKED "5 x\r\nhello\r\n0\r\n\r\n"), 0, 0,
     "junk after a chunk size: '5 x'"},
    {"chunk size 0x5", TEXT(CHUNKED "0x5\r\nhello\r\n0\r\n\r\n"), 0, 0,
     "junk after a chunk size: '0x5'"},
    {"chunk size g", TEXT(CHUNKED "g\r\nhello\r\n0\r\n\r\n"), 0, 0,
     "does not start with hex digits"},
    {"missing CRLF after chunk data", TEXT(CHUNKED "5\r\nhelloXX0\r\n\r\n"), 0, 0,
     "no CRLF after a chunk's data"},
    {"chunk data longer than its size", TEXT(CHUNKED "3\r\nhello\r\n0\r\n\r\n"), 0, 0,
     "no CRLF after a chunk's data"},
    {"CR without LF after chunk data", TEXT(CHUNKED "5\r\nhello\rX0\r\n\r\n"), 0, 0,
     "no CRLF after a chunk's data"},
    {"a bare CR in a chunk size line", TEXT(CHUNKED "5\r;x\r\nhello\r\n0\r\n\r\n"), 0, 0,
     "bare CR"},
    {"NUL in a chunk size line", TEXT(CHUNKED "5\0\r\nhello\r\n0\r\n\r\n"), 0, 0, "NUL"},
    /* cut short: the error comes when the connection closes */
    {"early close in a Content-Length body",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789"), 0, 1,
     "the body ended after 10 of 100 bytes"},
    {"early close right after the head", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), 0, 1,
     "the body ended after 0 of 5 bytes"},
    {"missing final chunk", TEXT(CHUNKED "5\r\nhello\r\n"), 0, 1,
     "the chunked body ended before its last chunk (after 5 bytes)"},
    {"early close in chunk data", TEXT(CHUNKED "a\r\nhel"), 0, 1,
     "the chunked body ended before its last chunk (after 3 bytes)"},
    {"early close in a chunk size line", TEXT(CHUNKED "5\r\nhello\r\n1"), 0, 1,
     "ended before its last chunk"},
    {"early close in the trailers", TEXT(CHUNKED "5\r\nhello\r\n0\r\nT: x\r\n"), 0, 1, "chunked"},
    {"early close after the last chunk", TEXT(CHUNKED "0\r\n"), 0, 1, "chunked"},
    {"no response at all", TEXT(""), 0, 1, "closed the connection without a response"},
    {"close inside the status line", TEXT("HTTP/1.1 20"), 0, 1, "inside the status line"},
    {"close inside the headers", TEXT("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"), 0, 1,
     "inside the headers"},
    {"close inside a header line", TEXT("HTTP/1.1 200 OK\r\nContent-Len"), 0, 1,
     "inside the headers"},
    /* the status line */
    {"status line garbage", TEXT("garbage\r\n\r\n"), 0, 0, "the status line is not"},
    {"HTTP/2", TEXT("HTTP/2 200\r\n\r\n"), 0, 0, "the status line is not"},
    {"HTTP/2.0", TEXT("HTTP/2.0 200 OK\r\n\r\n"), 0, 0, "the status line is not"},
    {"HTTP/1.2", TEXT("HTTP/1.2 200 OK\r\n\r\n"), 0, 0, "the status line is not"},
    {"lower-case http", TEXT("http/1.1 200 OK\r\n\r\n"), 0, 0, "the status line is not"},
    {"a four-digit status", TEXT("HTTP/1.1 2000 OK\r\n\r\n"), 0, 0, "the status line is not"},
    {"a two-digit status", TEXT("HTTP/1.1 20 OK\r\n\r\n"), 0, 0, "the status line is not"},
    {"a status with a letter", TEXT("HTTP/1.1 2x0 OK\r\n\r\n"), 0, 0, "the status line is not"},
    {"a negative status", TEXT("HTTP/1.1 -20 OK\r\n\r\n"), 0, 0, "the status line is not"},
    {"no space after the status", TEXT("HTTP/1.1 200OK\r\n\r\n"), 0, 0, "the status line is not"},
    {"two spaces before the status", TEXT("HTTP/1.1  200 OK\r\n\r\n"), 0, 0,
     "the status line is not"},
    {"an SSH banner", TEXT("SSH-2.0-OpenSSH_9.2p1\r\n"), 0, 0, "the status line is not"},
    {"an empty line first", TEXT("\r\nHTTP/1.1 200 OK\r\n\r\n"), 0, 0, "the status line is not"},
    {"NUL in the status line", TEXT("HTTP/1.1 200 O\0K\r\n\r\n"), 0, 0, "NUL"},
    {"bare CR in the status line", TEXT("HTTP/1.1 200 O\rK\r\n\r\n"), 0, 0, "bare CR"},
    {"101 Switching Protocols",
     TEXT("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
          "\x81\x05hello"),
     0, 0, "101 Switching Protocols"},
    /* header lines */
    {"NUL in a header value", TEXT("HTTP/1.1 200 OK\r\nX: a\0b\r\nContent-Length: 0\r\n\r\n"), 0, 0,
     "NUL"},
    {"NUL in a header name", TEXT("HTTP/1.1 200 OK\r\nX\0Y: a\r\nContent-Length: 0\r\n\r\n"), 0, 0,
     "NUL"},
    {"a space before the first header", TEXT("HTTP/1.1 200 OK\r\n Content-Length: 0\r\n\r\n"), 0, 0,
     "the first header line starts with a space"},
    {"a tab before the first header of a 1xx",
     TEXT("HTTP/1.1 100 Continue\r\n\tX: y\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"), 0, 0,
     "the first header line starts with a space"},
    {"a bare CR in a folded line",
     TEXT("HTTP/1.1 200 OK\r\nX: a\r\n b\rc\r\nContent-Length: 0\r\n\r\n"), 0, 0, "bare CR"},
    {"NUL in a folded line", TEXT("HTTP/1.1 200 OK\r\nX: a\r\n b\0c\r\nContent-Length: 0\r\n\r\n"),
     0, 0, "NUL"},
    {"close inside a fold", TEXT("HTTP/1.1 200 OK\r\nX: a\r\n  "), 0, 1, "inside the headers"},
    {"close after a header line's LF", TEXT("HTTP/1.1 200 OK\r\nX: a\r\n"), 0, 1,
     "inside the headers"},
    {"space before colon", TEXT("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"), 0, 0,
     "space before ':'"},
    {"tab before colon", TEXT("HTTP/1.1 200 OK\r\nX\t: 5\r\n\r\nhello"), 0, 0, "0x09"},
    {"bare CR in a header", TEXT("HTTP/1.1 200 OK\r\nX: a\rb\r\nContent-Length: 0\r\n\r\n"), 0, 0,
     "bare CR"},
    {"bare CR ending a header", TEXT("HTTP/1.1 200 OK\r\nX: a\r\rContent-Length: 0\r\n\r\n"), 0, 0,
     "bare CR"},
    {"a header without a colon", TEXT("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n"), 0, 0, "no ':'"},
    {"a header with an empty name", TEXT("HTTP/1.1 200 OK\r\n: v\r\n\r\n"), 0, 0, "empty name"},
    {"a header name with a slash", TEXT("HTTP/1.1 200 OK\r\nX/Y: v\r\n\r\n"), 0, 0, "0x2f"},
    {"a header name with non-ASCII", TEXT("HTTP/1.1 200 OK\r\nX\xc3\xa9: v\r\n\r\n"), 0, 0, "0xc3"},
    {"a coding after chunked",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), 0, 0,
     "coding after chunked"},
    {"chunked twice",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
     0, 0, "coding after chunked"},
    /* transfer codings other than chunked: refused by name, no body byte delivered */
    {"Transfer-Encoding gzip", TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b"),
     0, 0, "transfer coding 'gzip', which netbasics cannot decode"},
    {"Transfer-Encoding gzip, chunked",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n\x1f\x8b\r\n0\r\n\r\n"),
     0, 0, "transfer coding 'gzip'"},
    {"Transfer-Encoding deflate, chunked",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: deflate, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"), 0,
     0, "transfer coding 'deflate'"},
    {"Transfer-Encoding identityx",
     TEXT("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: identityx\r\n\r\nabc"), 0, 0,
     "transfer coding 'identityx'"},
    {"Transfer-Encoding in two headers",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
          "3\r\nabc\r\n0\r\n\r\n"),
     0, 0, "transfer coding 'gzip'"},
    {"nine gzips (curl's test 418)",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: gzip\r\n"
          "Transfer-Encoding: gzip\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: gzip\r\n"
          "Transfer-Encoding: gzip\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: gzip\r\n"
          "Transfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc"),
     0, 0, "transfer coding 'gzip'"},
    {"a 500 in gzip", TEXT("HTTP/1.1 500 Oops\r\nTransfer-Encoding: gzip\r\n\r\nxyz"), 0, 0,
     "transfer coding 'gzip'"},
    {"a coding with an escape in its name",
     TEXT("HTTP/1.1 200 OK\r\nTransfer-Encoding: x\x1b[31m, chunked\r\n\r\n0\r\n\r\n"), 0, 0,
     "transfer coding 'x\\x1b[31m'"},
    /* a 1xx is still checked */
    {"NUL in a 1xx", TEXT("HTTP/1.1 103 Early Hints\r\nLink: a\0b\r\n\r\n"), 0, 0, "NUL"},
};

static void test_hostile_table(void **state)
{
    int bad = 0;
    size_t i;

    (void)state;
    for (i = 0; i < N(HOSTILE); i++) {
        const struct hostile *h = &HOSTILE[i];
        struct outcome o;

        feed_every_way(h->name, (const uint8_t *)h->data, h->len, h->head, &o);
        if (o.rc != -1) {
            print_error("%s: accepted (status %d, %llu body bytes)\n", h->name, o.r.status,
                        (unsigned long long)o.body_bytes);
            bad++;
        } else if (o.code != NB_E_PROTO) {
            print_error("%s: error code %d ('%s'), not NB_E_PROTO\n", h->name, o.code, o.msg);
            bad++;
        } else if (!strstr(o.msg, h->msg)) {
            print_error("%s: message '%s' does not say '%s'\n", h->name, o.msg, h->msg);
            bad++;
        } else if (o.failed_in_finish != h->at_finish) {
            print_error("%s: failed in %s, not in %s\n", h->name,
                        o.failed_in_finish ? "finish" : "feed", h->at_finish ? "finish" : "feed");
            bad++;
        } else if (strchr(o.msg, '\n') || strchr(o.msg, '\r')) {
            print_error("%s: a message of more than one line\n", h->name);
            bad++;
        }
        outcome_free(&o);
    }
    assert_int_equal(bad, 0);
}

/* Expects the response in s (len bytes) to be refused in feed with msg. */
static void expect_refused(const char *name, const char *s, size_t len, const char *msg)
{
    struct outcome o;

    feed_every_way(name, (const uint8_t *)s, len, 0, &o);
    if (o.rc != -1 || o.failed_in_finish || o.code != NB_E_PROTO || !strstr(o.msg, msg))
        fail_msg("%s: rc %d (in finish: %d), code %d, message '%s', wanted '%s'", name, o.rc,
                 o.failed_in_finish, o.code, o.msg, msg);
    outcome_free(&o);
}

static void test_hostile_sizes(void **state)
{
    size_t len, n, cap = NB_HTTP_HEAD_MAX + 4096;
    char *s;

    (void)state;
    /* an endless status line: one byte over the limit and no end */
    s = malloc(cap);
    assert_non_null(s);
    memset(s, 'A', NB_HTTP_LINE_MAX + 1);
    expect_refused("an endless status line", s, NB_HTTP_LINE_MAX + 1, "longer than 102400 bytes");
    n = (size_t)snprintf(s, cap, "HTTP/1.1 200 ");
    memset(s + n, 'r', NB_HTTP_LINE_MAX);
    expect_refused("an endless reason", s, n + NB_HTTP_LINE_MAX, "longer than 102400 bytes");
    /* a status line of exactly 100 KiB and its CR is one too many */
    memset(s + n, 'r', NB_HTTP_LINE_MAX - n);
    memcpy(s + NB_HTTP_LINE_MAX, "\r\n\r\n", 4);
    expect_refused("a status line of 100 KiB + 1 with its CR", s, NB_HTTP_LINE_MAX + 4,
                   "longer than 102400 bytes");
    /* two folded halves that are each short but together over 100 KiB */
    n = (size_t)snprintf(s, cap, "HTTP/1.1 200 OK\r\nX: ");
    memset(s + n, 'a', 60000);
    n += 60000;
    n += (size_t)snprintf(s + n, cap - n, "\r\n ");
    memset(s + n, 'b', 60000);
    n += 60000;
    n += (size_t)snprintf(s + n, cap - n, "\r\nContent-Length: 0\r\n\r\n");
    expect_refused("a folded header over 100 KiB", s, n, "longer than 102400 bytes");
    /* a fold's SP is one byte too many */
    n = (size_t)snprintf(s, cap, "HTTP/1.1 200 OK\r\nX: ");
    memset(s + n, 'a', NB_HTTP_LINE_MAX - 3);
    n += NB_HTTP_LINE_MAX - 3;
    n += (size_t)snprintf(s + n, cap - n, "\r\n b\r\n\r\n");
    expect_refused("a 100 KiB header and a fold", s, n, "longer than 102400 bytes");
    free(s);
    /* a header line over 100 KiB */
    s = make_head(1, NB_HTTP_LINE_MAX, "Content-Length: 0\r\n\r\n", &len);
    expect_refused("a header line over 100 KiB", s, len, "longer than 102400 bytes");
    free(s);
    /* a head over 300 KiB (6 lines of 60 KB), and 30,000 short lines */
    s = make_head(6, 60000, "Content-Length: 0\r\n\r\n", &len);
    expect_refused("a head over 300 KiB", s, len, "head is larger than 307200 bytes");
    free(s);
    s = make_head(30000, 1, "Content-Length: 0\r\n\r\n", &len);
    expect_refused("30,000 headers", s, len, "head is larger than 307200 bytes");
    free(s);
    /* endless 100 Continue responses add up to a head over 300 KiB */
    {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        s = malloc(cap);
        assert_non_null(s);
        for (n = 0; n + sizeof cont - 1 < cap; n += sizeof cont - 1)
            memcpy(s + n, cont, sizeof cont - 1);
        expect_refused("endless 100 Continue", s, n, "larger than 307200 bytes");
        free(s);
    }
    /* 60,000 trailer lines after the last chunk */
    {
        size_t tcap = 60000 * 8 + 4096;
        s = malloc(tcap);
        assert_non_null(s);
        n = (size_t)snprintf(s, tcap, CHUNKED "0\r\n");
        for (int i = 0; i < 60000; i++)
            n += (size_t)snprintf(s + n, tcap - n, "T: %d\r\n", i % 10);
        n += (size_t)snprintf(s + n, tcap - n, "\r\n");
        expect_refused("60,000 trailers", s, n, "head with its trailers is larger than 307200");
        free(s);
    }
    /* a chunk-size line over 100 KiB (a long extension) */
    {
        s = malloc(cap);
        assert_non_null(s);
        n = (size_t)snprintf(s, cap, CHUNKED "5;");
        memset(s + n, 'e', NB_HTTP_LINE_MAX);
        n += NB_HTTP_LINE_MAX;
        expect_refused("a chunk-size line over 100 KiB", s, n, "longer than 102400 bytes");
        free(s);
    }
}

/* A redirect's Location longer than a URL may be is refused; elsewhere it is ignored. */
static void test_long_location(void **state)
{
    size_t cap = NB_HTTP_LOCATION_MAX + 256, n;
    char *s = malloc(cap);
    struct outcome o;

    (void)state;
    assert_non_null(s);
    n = (size_t)snprintf(s, cap, "HTTP/1.1 302 Found\r\nLocation: /");
    memset(s + n, 'l', NB_HTTP_LOCATION_MAX);
    n += NB_HTTP_LOCATION_MAX;
    n += (size_t)snprintf(s + n, cap - n, "\r\nContent-Length: 0\r\n\r\n");
    expect_refused("a Location of 8193 bytes in a 302", s, n,
                   "the redirect's Location is 8193 bytes long");
    memcpy(s + 9, "201", 3);
    feed_every_way("a Location of 8193 bytes in a 201", (const uint8_t *)s, n, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_string_equal(o.location, "");
    outcome_free(&o);
    /* 8192 bytes is kept whole */
    n = (size_t)snprintf(s, cap, "HTTP/1.1 302 Found\r\nLocation: /");
    memset(s + n, 'l', NB_HTTP_LOCATION_MAX - 1);
    n += NB_HTTP_LOCATION_MAX - 1;
    n += (size_t)snprintf(s + n, cap - n, "\r\nContent-Length: 0\r\n\r\n");
    feed_every_way("a Location of 8192 bytes", (const uint8_t *)s, n, 0, &o);
    assert_int_equal(o.rc, 0);
    assert_int_equal(strlen(o.location), NB_HTTP_LOCATION_MAX);
    outcome_free(&o);
    free(s);
}

/* A body in a transfer coding other than chunked is refused before on_headers_done, so
 * not one encoded byte is delivered: the table's cases, and a chain of 100 (curl's 387). */
static void test_codings_deliver_nothing(void **state)
{
    size_t cap = 4096, n;
    char *s = malloc(cap);
    struct outcome o;

    (void)state;
    assert_non_null(s);
    for (size_t i = 0; i < N(HOSTILE); i++) {
        if (!strstr(HOSTILE[i].msg, "transfer coding"))
            continue;
        feed_every_way(HOSTILE[i].name, (const uint8_t *)HOSTILE[i].data, HOSTILE[i].len, 0, &o);
        if (o.rc != -1 || o.r.blen != 0 || o.r.ndone != 0)
            fail_msg("%s: rc %d, %zu body bytes, headers done %d", HOSTILE[i].name, o.rc, o.r.blen,
                     o.r.ndone);
        outcome_free(&o);
    }
    n = (size_t)snprintf(s, cap, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip");
    for (int i = 1; i < 100; i++)
        n += (size_t)snprintf(s + n, cap - n, ",gzip");
    n += (size_t)snprintf(s + n, cap - n, "\r\n\r\n\x1f\x8b\x08");
    feed_every_way("a chain of 100 gzips", (const uint8_t *)s, n, 0, &o);
    assert_int_equal(o.rc, -1);
    assert_int_equal(o.code, NB_E_PROTO);
    assert_non_null(strstr(o.msg, "transfer coding 'gzip'"));
    assert_int_equal(o.r.blen, 0);
    assert_int_equal(o.r.ndone, 0);
    outcome_free(&o);
    free(s);
}

/* ---- the callback contract ----------------------------------------------------------------- */

/* on_body returning -1 stops the feed with -1. */
static void test_body_stop(void **state)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    static const char chunked[] = CHUNKED "5\r\nhello\r\n0\r\n\r\n";
    static const char close_delim[] = "HTTP/1.1 200 OK\r\n\r\nhello";
    struct outcome o;

    (void)state;
    feed((const uint8_t *)resp, sizeof resp - 1, 0, ALL, 0, 1, &o);
    assert_int_equal(o.rc, -1);
    assert_false(o.failed_in_finish);
    assert_int_equal(o.r.blen, 0);
    outcome_free(&o);
    feed((const uint8_t *)chunked, sizeof chunked - 1, 0, BYTES, 0, 1, &o);
    assert_int_equal(o.rc, -1);
    assert_false(o.failed_in_finish);
    outcome_free(&o);
    feed((const uint8_t *)close_delim, sizeof close_delim - 1, 0, ALL, 0, 1, &o);
    assert_int_equal(o.rc, -1);
    assert_false(o.failed_in_finish);
    outcome_free(&o);
}

/* Once complete, the parser takes no more bytes; callbacks may be NULL. */
static void test_after_done(void **state)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    static struct nb_http_parser p;
    struct nb_http_cb none = {NULL, NULL, NULL, NULL, NULL, NULL};
    struct nb_err e;

    (void)state;
    nb_http_init(&p, 0);
    assert_false(nb_http_done(&p));
    assert_int_equal(nb_http_feed(&p, (const uint8_t *)resp, sizeof resp - 1, &none, &e),
                     (long)sizeof resp - 1);
    assert_true(nb_http_done(&p));
    assert_int_equal(p.body_bytes, 2);
    assert_int_equal(nb_http_feed(&p, (const uint8_t *)"more", 4, &none, &e), 0);
    assert_int_equal(nb_http_finish(&p, &e), 0);
    assert_int_equal(nb_http_finish(&p, &e), 0);
    /* a close-delimited body is done at finish */
    nb_http_init(&p, 0);
    assert_int_equal(nb_http_feed(&p, (const uint8_t *)"HTTP/1.1 200 OK\r\n\r\nab", 21, &none, &e),
                     21);
    assert_false(nb_http_done(&p));
    assert_int_equal(p.framing, NB_HTTP_CLOSE);
    assert_int_equal(nb_http_finish(&p, &e), 0);
    assert_true(nb_http_done(&p));
    assert_int_equal(p.body_bytes, 2);
    /* feeding nothing changes nothing */
    nb_http_init(&p, 0);
    assert_int_equal(nb_http_feed(&p, (const uint8_t *)"", 0, &none, &e), 0);
    assert_false(nb_http_done(&p));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_responses),
        cmocka_unit_test(test_binary_body),
        cmocka_unit_test(test_location_and_type),
        cmocka_unit_test(test_limits_that_pass),
        cmocka_unit_test(test_big_body),
        cmocka_unit_test(test_hostile_table),
        cmocka_unit_test(test_hostile_sizes),
        cmocka_unit_test(test_body_stop),
        cmocka_unit_test(test_after_done),
        cmocka_unit_test(test_long_location),
        cmocka_unit_test(test_codings_deliver_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
