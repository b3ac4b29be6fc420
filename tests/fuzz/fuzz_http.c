/* fuzz_http.c - libFuzzer target: the incremental response parser on any bytes.
 *
 * Input: one byte of flags, then the response. The flags choose a split point
 * (low 7 bits, scaled to the response's length) and whether the request was a
 * HEAD (high bit). The response is fed all at once, in the two pieces of the
 * split, and byte by byte when short, then the connection "closes" (finish).
 * Invariants: every way gives the same result, error message, status, headers,
 * body and framing; the body bytes delivered are p->body_bytes; no body before
 * on_headers_done; on success the response is done, a Content-Length body has
 * exactly that length and a bodiless one none; an error is NB_E_PROTO with a
 * one-line message; a feed uses fewer bytes than given only once done; no body
 * byte is delivered when a transfer coding other than chunked was named. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netbasics/http.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_http: %s\n", what);                                              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define BYTE_BY_BYTE_MAX 2048

/* What one way of feeding saw; the body and headers as running hashes. */
struct seen {
    int rc, in_finish;
    size_t used;
    enum nb_errcode code;
    char msg[NB_ERR_MSG_MAX];
    int status, nstatus, ndone, early_body;
    uint64_t nheaders, hhash, body_len, bhash, nchunks, chash;
    enum nb_http_framing framing;
    uint64_t body_bytes, length;
    int done;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;

    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 0x100000001b3ULL;
    return h;
}

static void on_status(void *ctx, int status, const char *reason, size_t len)
{
    struct seen *s = ctx;

    CHECK(status >= 0 && status <= 999 && (status < 100 || status >= 200),
          "on_status with a status that is not three digits, or a 1xx");
    CHECK(len <= NB_HTTP_LINE_MAX, "a reason longer than a line");
    s->status = status;
    s->nstatus++;
    s->hhash = mix(s->hhash, reason, len);
}

static void on_header(void *ctx, const char *n, size_t nl, const char *v, size_t vl)
{
    struct seen *s = ctx;

    CHECK(nl >= 1 && !memchr(n, ':', nl) && !memchr(n, ' ', nl), "a header name");
    CHECK(!memchr(v, '\r', vl) && !memchr(v, '\n', vl) && !memchr(v, '\0', vl),
          "CR, LF or NUL in a header value");
    CHECK(s->ndone == 0, "a header after on_headers_done");
    s->nheaders++;
    s->hhash = mix(mix(mix(s->hhash, n, nl), ":", 1), v, vl);
}

static void on_headers_done(void *ctx)
{
    struct seen *s = ctx;

    s->ndone++;
}

static int on_body(void *ctx, const uint8_t *p, size_t n)
{
    struct seen *s = ctx;

    if (s->ndone == 0)
        s->early_body = 1;
    s->body_len += n;
    s->bhash = mix(s->bhash, p, n);
    return 0;
}

static void on_chunk(void *ctx, uint64_t size)
{
    struct seen *s = ctx;

    s->nchunks++;
    s->chash = mix(s->chash, &size, sizeof size);
}

/* Feeds data in pieces of at most step bytes (0: all at once), the first
 * piece being first bytes long when first > 0; then finishes. */
static void run(const uint8_t *data, size_t len, int head, size_t first, size_t step,
                struct seen *s)
{
    static struct nb_http_parser p;
    struct nb_http_cb cb = {s, on_status, on_header, on_headers_done, on_body, on_chunk};
    struct nb_err e;
    size_t i = 0;

    memset(s, 0, sizeof *s);
    memset(&e, 0, sizeof e);
    nb_http_init(&p, head);
    while (i < len) {
        size_t k = len - i;
        long r;
        if (i == 0 && first > 0)
            k = first;
        else if (step > 0 && k > step)
            k = step;
        r = nb_http_feed(&p, data + i, k, &cb, &e);
        if (r < 0) {
            s->rc = -1;
            break;
        }
        CHECK((size_t)r <= k, "feed used more bytes than given");
        CHECK((size_t)r == k || nb_http_done(&p), "feed used fewer bytes before the end");
        s->used += (size_t)r;
        i += k;
    }
    if (s->rc == 0 && nb_http_finish(&p, &e) < 0) {
        s->rc = -1;
        s->in_finish = 1;
    }
    s->code = e.code;
    snprintf(s->msg, sizeof s->msg, "%s", e.msg);
    s->framing = p.framing;
    s->body_bytes = p.body_bytes;
    s->length = p.length;
    s->done = nb_http_done(&p);

    CHECK(!s->early_body, "body bytes before on_headers_done");
    CHECK(s->ndone <= 1 && s->nstatus <= 1, "on_headers_done or on_status more than once");
    CHECK(s->body_len == p.body_bytes, "body bytes delivered != p->body_bytes");
    CHECK(memchr(p.location, '\0', sizeof p.location) && !strpbrk(p.location, "\r\n"),
          "location field");
    CHECK(!p.coding[0] || s->body_len == 0,
          "body bytes in a transfer coding netbasics cannot decode");
    if (s->rc == 0) {
        CHECK(s->done && s->ndone == 1 && s->nstatus == 1, "success without a complete response");
        if (p.framing == NB_HTTP_LENGTH)
            CHECK(p.body_bytes == p.length, "a Content-Length body of another length");
        if (p.framing == NB_HTTP_NO_BODY)
            CHECK(p.body_bytes == 0, "a body where there is none");
        if (head)
            CHECK(p.framing == NB_HTTP_NO_BODY, "a body for HEAD");
    } else {
        CHECK(s->code == NB_E_PROTO, "an error that is not NB_E_PROTO");
        CHECK(s->msg[0] && !strpbrk(s->msg, "\r\n"), "an error without a one-line message");
    }
}

static void same(const struct seen *a, const struct seen *b)
{
    CHECK(a->rc == b->rc && a->in_finish == b->in_finish, "splits change the result");
    CHECK(a->code == b->code && !strcmp(a->msg, b->msg), "splits change the error");
    CHECK(a->rc != 0 || a->used == b->used, "splits change the bytes used");
    CHECK(a->status == b->status && a->nstatus == b->nstatus, "splits change the status");
    CHECK(a->nheaders == b->nheaders && a->hhash == b->hhash, "splits change the headers");
    CHECK(a->body_len == b->body_len && a->bhash == b->bhash, "splits change the body");
    CHECK(a->nchunks == b->nchunks && a->chash == b->chash, "splits change the chunks");
    CHECK(a->ndone == b->ndone && a->framing == b->framing && a->body_bytes == b->body_bytes &&
              a->done == b->done,
          "splits change the framing");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen whole, two, bytes;
    size_t len, at;
    int head;

    if (size < 1)
        return 0;
    head = data[0] >> 7;
    len = size - 1;
    at = len ? (size_t)(data[0] & 0x7f) * len / 127 : 0;
    data++;
    run(data, len, head, 0, 0, &whole);
    run(data, len, head, at, 0, &two);
    same(&whole, &two);
    if (len <= BYTE_BY_BYTE_MAX) {
        run(data, len, head, 0, 1, &bytes);
        same(&whole, &bytes);
    }
    return 0;
}
