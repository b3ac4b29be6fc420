/* fuzz_procnet.c - libFuzzer target: nb_procnet_parse never crashes or reads past the line
 * on any bytes, and what it accepts is in range: the family asked for, no zone, IPv4 bytes
 * only in b[0..3], ports of at most 4 hex digits, a state of at most 2, and the same entry
 * again for the same text (with e or without, with a '\n' after it as `ports` passes it).
 *
 * The first byte chooses the table: bit 0 IPv6, bit 1 TCP; the rest is the line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netbasics/procnet.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_procnet: %s\n", what);                                           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_addr(const struct nb_addr *a, int family)
{
    CHECK(a->family == family, "address family is not the table's");
    CHECK(a->zone[0] == '\0', "an address from /proc/net with a zone");
    if (family == 4)
        for (int i = 4; i < 16; i++)
            CHECK(a->b[i] == 0, "IPv4 address with bytes past b[3]");
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The ports and the state of an accepted line, read again by a separate walk over the
 * columns "N: ADDR:PORT ADDR:PORT ST": each port is 1 to 4 hex digits, the state 1 or 2. */
static void reference(const char *s, size_t n, int family, unsigned *lport, unsigned *rport,
                      unsigned *state)
{
    size_t i = 0;
    unsigned *ports[2] = {lport, rport};

    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    CHECK(i < n && s[i] == ':', "accepted without 'N:'");
    i++;
    for (int k = 0; k < 2; k++) {
        unsigned v = 0, digits = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        for (int d = 0; d < (family == 4 ? 8 : 32); d++, i++)
            CHECK(i < n && hexval(s[i]) >= 0, "accepted an address of the wrong width");
        CHECK(i < n && s[i] == ':', "accepted an address without ':PORT'");
        i++;
        while (i < n && digits < 4 && hexval(s[i]) >= 0) {
            v = v << 4 | (unsigned)hexval(s[i++]);
            digits++;
        }
        CHECK(digits >= 1, "accepted an empty port");
        CHECK(v <= 0xFFFF, "a port past 65535");
        *ports[k] = v;
    }
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    *state = 0;
    for (int d = 0; d < 2 && i < n && hexval(s[i]) >= 0; d++)
        *state = *state << 4 | (unsigned)hexval(s[i++]);
}

/* Two entries are the same: compared field by field (the struct may have padding). */
static int same(const struct nb_procnet_entry *a, const struct nb_procnet_entry *b)
{
    return a->tcp == b->tcp && a->local.family == b->local.family &&
           !memcmp(a->local.b, b->local.b, 16) && a->remote.family == b->remote.family &&
           !memcmp(a->remote.b, b->remote.b, 16) && a->lport == b->lport && a->rport == b->rport &&
           a->state == b->state && a->uid == b->uid && a->inode == b->inode;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct nb_procnet_entry en, again;
    struct nb_err e;
    int family, tcp, rc;
    char *line;
    const char *name;

    if (size < 1 || size > 4096)
        return 0;
    family = data[0] & 1 ? 6 : 4;
    tcp = data[0] & 2 ? 1 : 0;
    data++;
    size--;

    /* exactly size bytes, no NUL after them: a read past the end is an ASan report */
    line = malloc(size + 1);
    if (!line)
        return 0;
    memcpy(line, data, size);

    memset(&en, 0x5a, sizeof en);
    rc = nb_procnet_parse(line, size, family, tcp, &en, &e);
    CHECK(rc == 0 || rc == -1, "nb_procnet_parse returned neither 0 nor -1");
    if (rc < 0) {
        CHECK(e.code == NB_E_PROTO, "a refusal that is not NB_E_PROTO");
        CHECK(memchr(e.msg, '\0', sizeof e.msg) != NULL, "message without its NUL");
        CHECK(e.msg[0] != '\0', "a refusal without a message");
        CHECK(nb_procnet_parse(line, size, family, tcp, &again, NULL) == -1,
              "refused with e, accepted without");
        free(line);
        return 0;
    }

    CHECK(en.tcp == tcp, "the tcp flag is not the table's");
    check_addr(&en.local, family);
    check_addr(&en.remote, family);
    {
        unsigned lport, rport, state;
        reference(line, size, family, &lport, &rport, &state);
        CHECK(en.lport == lport, "the local port is not the one the line shows");
        CHECK(en.rport == rport, "the remote port is not the one the line shows");
        CHECK(en.state == state, "the state is not the one the line shows");
    }
    CHECK(en.state <= 0xFF, "state wider than its two hex digits");
    name = nb_procnet_state_name(tcp, en.state);
    CHECK(name != NULL && name[0] != '\0', "a state without a name");
    if (strcmp(name, "?")) {
        unsigned back = 0;
        CHECK(nb_procnet_state_parse(name, &back, &e) == 0, "a state name that does not read back");
        /* UDP's ESTABLISHED (1) and UNCONN (7) read back as TCP's numbers 1 and 7 */
        CHECK(back == en.state, "a state name that reads back as another state");
    }

    /* the same text gives the same entry, without e, and whatever *out held */
    memset(&again, 0xa5, sizeof again);
    CHECK(nb_procnet_parse(line, size, family, tcp, &again, NULL) == 0,
          "accepted with e, refused without");
    CHECK(same(&en, &again), "the same line parsed twice differs");

    /* `ports` passes each line with its '\n': the newline changes nothing */
    line[size] = '\n';
    memset(&again, 0, sizeof again);
    CHECK(nb_procnet_parse(line, size + 1, family, tcp, &again, &e) == 0,
          "accepted, but refused with a '\\n' after it");
    CHECK(same(&en, &again), "a '\\n' after the line changed the entry");

    free(line);
    return 0;
}
