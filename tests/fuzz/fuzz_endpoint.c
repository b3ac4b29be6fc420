/* fuzz_endpoint.c - libFuzzer target for the one host:port parser: nb_endpoint_parse
 * accepts exactly IPv4:PORT and [IPv6]:PORT with a strict port, and an endpoint's text
 * parses back to itself; nb_hostport_parse under every use's flags (and under flags the
 * input's first two bytes choose) fails with one line or gives a result its flags allow. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netbasics/addr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_endpoint: %s\n", what);                                          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The port rule, written independently: 1-5 ASCII digits, no leading zero, 1..65535. */
static int ref_port(const char *p, size_t n, unsigned *port)
{
    unsigned v = 0;

    if (n == 0 || n > 5 || p[0] == '0')
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    *port = v;
    return v >= 1 && v <= 65535;
}

/* What the answer must be, from the address parsers and the port rule. */
static int ref_endpoint(const char *s, size_t n, struct nb_endpoint *out)
{
    const char *close, *colon;

    if (n == 0 || n > NB_ADDR_INPUT_MAX)
        return 0;
    if (s[0] == '[') {
        close = memchr(s, ']', n);
        if (!close || close + 1 == s + n || close[1] != ':')
            return 0;
        if (!memchr(s + 1, ':', (size_t)(close - s - 1)) ||
            nb_ip6_parse(s + 1, (size_t)(close - s - 1), 1, &out->addr, NULL))
            return 0;
        colon = close + 1;
    } else {
        colon = memchr(s, ':', n);
        if (!colon || nb_ip4_parse(s, (size_t)(colon - s), &out->addr, NULL))
            return 0;
    }
    {
        unsigned port = 0;

        if (!ref_port(colon + 1, n - (size_t)(colon + 1 - s), &port))
            return 0;
        out->port = (uint16_t)port;
    }
    return 1;
}

/* One run of nb_hostport_parse under flags: the checks that hold for every use. */
static void drive(const char *s, size_t size, unsigned flags)
{
    struct nb_hostport hp, again;
    struct nb_err e;
    int rc = nb_hostport_parse(s, size, flags, 7, &hp, &e);

    CHECK(rc == nb_hostport_parse(s, size, flags, 7, &again, NULL), "e == NULL changes the answer");
    if (rc < 0) {
        CHECK(e.code == NB_E_INVALID && e.msg[0] && !strchr(e.msg, '\n') && !strchr(e.msg, '\r') &&
                  !strchr(e.msg, '\033'),
              "bad host:port failure message");
        return;
    }
    CHECK(hp.kind != NB_HOST_NONE || (flags & NB_HP_PORT_ALONE), "no host without PORT_ALONE");
    CHECK(hp.kind != NB_HOST_NAME || (flags & NB_HP_NAMES), "a name without NB_HP_NAMES");
    CHECK(!(flags & NB_HP_PORT_REQUIRED) || hp.parts.has_port, "no port where one is required");
    CHECK(hp.port_given || hp.port == 7, "no port given, but not the default");
    CHECK(!hp.port_given || hp.port > 0 || (flags & NB_HP_PORT_ZERO), "port 0 accepted");
    CHECK(strlen(hp.host) < NB_HOST_TEXT_MAX, "host text too long");
    CHECK(hp.parts.host_at + hp.parts.host_len <= size &&
              (!hp.parts.has_port || hp.parts.port_at + hp.parts.port_len == size),
          "parts outside the text");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned uses[] = {NB_HP_ENDPOINT,      NB_HP_CONNECT,     NB_HP_LISTEN,
                                    NB_HP_DNS_SERVER,    NB_HP_RESOLV_CONF, NB_HP_URL,
                                    NB_HP_BRACKETED_HOST};
    const char *s = (const char *)data;
    struct nb_endpoint ep, want, back;
    struct nb_err e;
    int got, ok;

    if (size > 4096)
        return 0;
    for (size_t k = 0; k < sizeof uses / sizeof uses[0]; k++)
        drive(s, size, uses[k]);
    if (size >= 2)
        drive(s + 2, size - 2, ((unsigned)data[0] | (unsigned)data[1] << 8) & ((1u << 11) - 1));
    got = nb_endpoint_parse(s, size, &ep, &e) == 0;
    CHECK(got == (nb_endpoint_parse(s, size, &back, NULL) == 0), "e == NULL changes the answer");
    CHECK(got == nb_endpoint_valid(s, size), "the one-pass nb_endpoint_valid disagrees");
    if (!got) {
        CHECK(e.code == NB_E_INVALID && e.msg[0] && !strchr(e.msg, '\n'), "bad failure message");
    }
    memset(&want, 0, sizeof want);
    ok = ref_endpoint(s, size, &want);
    CHECK(got == ok, "accepts differently from IPv4:PORT / [IPv6]:PORT with a strict port");
    if (!got)
        return 0;
    CHECK(ep.port >= 1, "port 0 accepted");
    CHECK(ep.port == want.port, "port differs from its digits");
    CHECK(ep.addr.family == want.addr.family && !memcmp(ep.addr.b, want.addr.b, 16) &&
              !strcmp(ep.addr.zone, want.addr.zone),
          "address differs from its own parser");
    {
        char a[NB_ADDR_TEXT_MAX], text[NB_ADDR_TEXT_MAX + 16];
        int n;

        nb_addr_format(&ep.addr, a, sizeof a);
        n = snprintf(text, sizeof text, ep.addr.family == 6 ? "[%s]:%u" : "%s:%u", a, ep.port);
        CHECK(nb_endpoint_parse(text, (size_t)n, &back, NULL) == 0, "formatted endpoint refused");
        CHECK(back.port == ep.port && back.addr.family == ep.addr.family &&
                  !memcmp(back.addr.b, ep.addr.b, 16) && !strcmp(back.addr.zone, ep.addr.zone),
              "endpoint does not round-trip");
    }
    return 0;
}
