/* fuzz_cidr.c - libFuzzer target: nb_cidr_parse accepts exactly ADDR/PREFIX with a strict
 * address and prefix, the block's text round-trips, and mask/fill/netmask stay consistent. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netbasics/addr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_cidr: %s\n", what);                                              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* What the answer must be: the address by its own parser (IPv6 without a zone), the prefix
 * 1-3 ASCII digits without a leading zero and at most the family's width. */
static int ref_cidr(const char *s, size_t n, struct nb_cidr *out)
{
    const char *slash = memchr(s, '/', n);
    const char *p;
    size_t alen, plen;
    unsigned v = 0;

    if (!slash)
        return 0;
    alen = (size_t)(slash - s);
    if (memchr(s, ':', alen) ? nb_ip6_parse(s, alen, 0, &out->addr, NULL)
                             : nb_ip4_parse(s, alen, &out->addr, NULL))
        return 0;
    p = slash + 1;
    plen = n - alen - 1;
    if (plen == 0 || plen > 3 || (plen > 1 && p[0] == '0'))
        return 0;
    for (size_t i = 0; i < plen; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    out->prefix = v;
    return v <= (out->addr.family == 4 ? 32u : 128u);
}

static int get_bit(const struct nb_addr *a, unsigned i)
{
    return (a->b[i / 8] >> (7 - i % 8)) & 1;
}

/* Network, last address and netmask, bit by bit. */
static void check_masks(const struct nb_addr *a, unsigned prefix)
{
    struct nb_addr net, last, mask, x;
    unsigned width = a->family == 4 ? 32 : 128;

    nb_addr_mask(a, prefix, &net);
    nb_addr_fill(a, prefix, &last);
    nb_addr_netmask(a->family, prefix, &mask);
    CHECK(net.family == a->family && last.family == a->family && mask.family == a->family,
          "family changed");
    CHECK(!strcmp(net.zone, a->zone) && !strcmp(last.zone, a->zone), "zone not kept");
    for (unsigned i = 0; i < width; i++) {
        int in_prefix = i < prefix;

        CHECK(get_bit(&mask, i) == in_prefix, "netmask bit");
        CHECK(get_bit(&net, i) == (in_prefix ? get_bit(a, i) : 0), "network bit");
        CHECK(get_bit(&last, i) == (in_prefix ? get_bit(a, i) : 1), "last address bit");
    }
    nb_addr_fill(&net, prefix, &x);
    CHECK(!memcmp(x.b, last.b, 16), "fill(mask(a)) != fill(a)");
    nb_addr_mask(&last, prefix, &x);
    CHECK(!memcmp(x.b, net.b, 16), "mask(fill(a)) != mask(a)");
    if (a->family == 4) {
        uint32_t m = prefix ? 0xffffffffu << (32 - prefix) : 0;

        CHECK(nb_ip4_to_u32(&mask) == m, "IPv4 netmask as a number");
        CHECK(nb_ip4_to_u32(&net) == (nb_ip4_to_u32(a) & m), "IPv4 network as a number");
        CHECK(nb_ip4_to_u32(&last) == (nb_ip4_to_u32(a) | ~m), "IPv4 broadcast as a number");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct nb_cidr c, want, back;
    struct nb_err e;
    int got, ok;

    if (size > 4096)
        return 0;
    got = nb_cidr_parse(s, size, &c, &e) == 0;
    CHECK(got == (nb_cidr_parse(s, size, &back, NULL) == 0), "e == NULL changes the answer");
    if (!got) {
        CHECK(e.code == NB_E_INVALID && e.msg[0] && !strchr(e.msg, '\n'), "bad failure message");
    }
    memset(&want, 0, sizeof want);
    ok = ref_cidr(s, size, &want);
    CHECK(got == ok, "accepts differently from ADDR/PREFIX");
    if (got) {
        char a[NB_ADDR_TEXT_MAX], text[NB_ADDR_TEXT_MAX + 8];
        int n;

        CHECK(c.prefix <= (c.addr.family == 4 ? 32u : 128u), "prefix wider than the family");
        CHECK(c.prefix == want.prefix && c.addr.family == want.addr.family &&
                  !memcmp(c.addr.b, want.addr.b, 16),
              "block differs from its parts");
        nb_addr_format(&c.addr, a, sizeof a);
        n = snprintf(text, sizeof text, "%s/%u", a, c.prefix);
        CHECK(nb_cidr_parse(text, (size_t)n, &back, NULL) == 0, "formatted block refused");
        CHECK(back.prefix == c.prefix && !memcmp(back.addr.b, c.addr.b, 16),
              "block does not round-trip");
        check_masks(&c.addr, c.prefix);
    }
    /* every raw address with every prefix byte */
    if (size >= 18) {
        struct nb_addr r;

        memset(&r, 0, sizeof r);
        r.family = data[0] & 1 ? 6 : 4;
        memcpy(r.b, data + 2, r.family == 4 ? 4 : 16);
        check_masks(&r, data[1] % (r.family == 4 ? 33u : 129u));
    }
    return 0;
}
