/* fuzz_addr.c - libFuzzer target: strict, lenient and IPv6 address parsing must agree with
 * glibc (inet_pton, inet_aton, inet_ntop), and format -> parse must round-trip. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <netbasics/addr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_addr: %s\n", what);                                              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A failure must be NB_E_INVALID with a one-line message. */
static void check_err(const struct nb_err *e)
{
    CHECK(e->code == NB_E_INVALID, "failure without NB_E_INVALID");
    CHECK(e->msg[0] != '\0', "failure without a message");
    CHECK(strchr(e->msg, '\n') == NULL, "message is more than one line");
}

/* Formats a, checks the text against inet_ntop (except glibc's dotted IPv4-compatible form,
 * which RFC 5952 does not ask for) and parses it back to the same address. */
static void round_trip(const struct nb_addr *a)
{
    char text[NB_ADDR_TEXT_MAX], again[NB_ADDR_TEXT_MAX], ref[INET6_ADDRSTRLEN];
    struct nb_addr back;
    static const uint8_t zero12[12];
    size_t len;

    nb_addr_format(a, text, sizeof text);
    len = strlen(text);
    CHECK(len > 0 && len < NB_ADDR_TEXT_MAX - 1, "formatted length");
    CHECK(nb_addr_parse(text, len, &back, NULL) == 0, "formatted text does not parse");
    CHECK(back.family == a->family, "round trip changes the family");
    CHECK(memcmp(back.b, a->b, a->family == 4 ? 4 : 16) == 0, "round trip changes the address");
    CHECK(strcmp(back.zone, a->zone) == 0, "round trip changes the zone");
    nb_addr_format(&back, again, sizeof again);
    CHECK(strcmp(text, again) == 0, "formatting is not stable");
    if (a->zone[0] == '\0') {
        int compat = a->family == 6 && !memcmp(a->b, zero12, 12) && (a->b[12] || a->b[13]);

        inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->b, ref, sizeof ref);
        CHECK(compat || strcmp(ref, text) == 0, "format differs from inet_ntop");
    }
    CHECK(nb_addr_kind_of(a) != NULL, "nb_addr_kind_of returned NULL");
}

static void check_text(const char *s, size_t size, int has_nul)
{
    struct nb_addr a, b;
    struct nb_err e;
    unsigned q = 0;
    int strict, lenient, v6, v6z, any;
    uint8_t ref[16];

    strict = nb_ip4_parse(s, size, &a, &e) == 0;
    if (!strict)
        check_err(&e);
    CHECK(strict == (nb_ip4_parse(s, size, &b, NULL) == 0), "ip4: e == NULL changes the answer");
    if (strict) {
        round_trip(&a);
        CHECK(size <= 15, "strict IPv4 longer than 15 bytes");
    }
    lenient = nb_ip4_parse_lenient(s, size, &b, &q, &e) == 0;
    if (!lenient)
        check_err(&e);
    if (strict) {
        CHECK(lenient && !memcmp(a.b, b.b, 4) && q == 0, "strict text read differently by lenient");
    }
    if (lenient) {
        round_trip(&b);
        CHECK((q & ~0xfu) == 0, "unknown quirk bits");
    }
    if (!has_nul && size <= 64) {
        CHECK(strict == (inet_pton(AF_INET, s, ref) == 1), "strict disagrees with inet_pton");
        CHECK(!strict || !memcmp(ref, a.b, 4), "strict bytes differ from inet_pton");
    }
    if (!has_nul) {
        struct in_addr in;

        CHECK(lenient == (inet_aton(s, &in) != 0), "lenient disagrees with inet_aton");
        CHECK(!lenient || !memcmp(&in, b.b, 4), "lenient bytes differ from inet_aton");
    }

    v6 = nb_ip6_parse(s, size, 0, &a, &e) == 0;
    if (!v6)
        check_err(&e);
    if (v6) {
        CHECK(a.family == 6 && a.zone[0] == '\0', "ip6 without zones gave a zone");
        round_trip(&a);
    }
    if (!has_nul && size <= 64) {
        CHECK(v6 == (inet_pton(AF_INET6, s, ref) == 1), "ip6 disagrees with inet_pton");
        CHECK(!v6 || !memcmp(ref, a.b, 16), "ip6 bytes differ from inet_pton");
    }
    v6z = nb_ip6_parse(s, size, 1, &b, &e) == 0;
    if (!v6z)
        check_err(&e);
    if (!memchr(s, '%', size))
        CHECK(v6 == v6z && (!v6 || !memcmp(a.b, b.b, 16)), "allow_zone changes a zone-less answer");
    if (v6z) {
        const char *pct = memchr(s, '%', size);
        size_t zl = strlen(b.zone);

        round_trip(&b);
        CHECK(pct ? zl >= 1 && zl < NB_ADDR_ZONE_MAX : zl == 0, "zone length");
        CHECK(!pct || (zl == size - (size_t)(pct - s) - 1 && !memcmp(b.zone, pct + 1, zl)),
              "zone is not the text after '%'");
        CHECK(strspn(b.zone, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                  zl,
              "zone has a character outside [A-Za-z0-9_.-]");
        if (pct) {
            CHECK(nb_ip6_parse(s, (size_t)(pct - s), 0, &a, NULL) == 0 && !memcmp(a.b, b.b, 16),
                  "the address before the zone differs");
        }
    }
    any = nb_addr_parse(s, size, &a, &e) == 0;
    if (!any)
        check_err(&e);
    if (memchr(s, ':', size))
        CHECK(any == v6z && (!any || !memcmp(a.b, b.b, 16)), "nb_addr_parse differs from IPv6");
    else
        CHECK(any == strict, "nb_addr_parse differs from strict IPv4");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;
    struct nb_addr a;

    if (size > 4096)
        return 0;
    /* the text, NUL-terminated for glibc; glibc stops at a NUL, so it only judges NUL-free text */
    s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    check_text(s, size, memchr(data, '\0', size) != NULL);
    free(s);

    /* the first bytes as a raw address: every address formats and parses back */
    if (size >= 17) {
        memset(&a, 0, sizeof a);
        a.family = data[0] & 1 ? 6 : 4;
        memcpy(a.b, data + 1, a.family == 4 ? 4 : 16);
        round_trip(&a);
    }
    return 0;
}
