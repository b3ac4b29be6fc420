/* addr.h - sans-IO parsing of IPv4 and IPv6 addresses, endpoints and CIDR
 * blocks (RFC 791, RFC 4291 section 2.2, RFC 5952, RFC 4632), inet_aton's
 * lenient IPv4 forms, and the IANA special-purpose registries (RFC 6890). */
#ifndef NETBASICS_ADDR_H
#define NETBASICS_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>

#define NB_ADDR_ZONE_MAX  16  /* IF_NAMESIZE, with its NUL */
#define NB_ADDR_TEXT_MAX  64  /* longest text form: IPv6 with zone and NUL */
#define NB_ADDR_INPUT_MAX 256 /* longer inputs are refused before any parsing */

struct nb_addr {
    int family;                  /* 4 or 6 */
    uint8_t b[16];               /* network byte order; IPv4 uses b[0..3] */
    char zone[NB_ADDR_ZONE_MAX]; /* IPv6 zone id after '%', "" if none */
};

struct nb_endpoint {
    struct nb_addr addr;
    uint16_t port; /* host byte order, 1..65535 */
};

struct nb_cidr {
    struct nb_addr addr; /* the address as written (host bits may be set) */
    unsigned prefix;     /* 0..32 or 0..128 */
};

/* What inet_aton did to reach its answer, as bits of nb_ip4_parse_lenient's
 * *quirks: each names a way the text differs from a strict dotted quad. */
enum nb_ip4_quirk {
    NB_Q_OCTAL = 1 << 0,    /* a part with a leading 0 was read as octal */
    NB_Q_HEX = 1 << 1,      /* a part with 0x was read as hexadecimal */
    NB_Q_SHORT = 1 << 2,    /* fewer than four parts: the last one fills the rest */
    NB_Q_TRAILING = 1 << 3, /* text after a space or tab was ignored */
};

/* Strict IPv4 (inet_pton rules): exactly four parts of 1-3 ASCII decimal digits,
 * each 0..255, no leading zeros, nothing else. Returns 0 and fills *out, or -1
 * with e (may be NULL, for speed) set to NB_E_INVALID and a message naming the
 * rule, e.g. "octet 1 is 256, but an octet holds 0 to 255". */
int nb_ip4_parse(const char *s, size_t len, struct nb_addr *out, struct nb_err *e);

/* IPv4 exactly as glibc's inet_aton reads it: 1 to 4 parts, each decimal, 0x
 * hex or 0-led octal, the last part filling the remaining bytes, text after a
 * space ignored. Returns 0, fills *out and sets *quirks (may be NULL) to the
 * enum nb_ip4_quirk bits that applied; -1 where inet_aton would return 0. */
int nb_ip4_parse_lenient(const char *s, size_t len, struct nb_addr *out, unsigned *quirks,
                         struct nb_err *e);

/* IPv6 in any RFC 4291 text form (full, "::"-compressed, trailing dotted IPv4
 * such as ::ffff:1.2.3.4), optionally followed by %ZONE (1-15 of [A-Za-z0-9_.-])
 * when allow_zone is set. Returns 0 or -1 with e set as for nb_ip4_parse. */
int nb_ip6_parse(const char *s, size_t len, int allow_zone, struct nb_addr *out, struct nb_err *e);

/* A strict IPv4 or an IPv6 address (zone allowed); the message of a failure is
 * the one of the family the text looks like. */
int nb_addr_parse(const char *s, size_t len, struct nb_addr *out, struct nb_err *e);

/* ---- host and port: the one parser --------------------------------------------------------
 * Every "HOST:PORT" text (checksock's sockets, send's and listen's arguments, resolve's
 * -s, resolv.conf's nameserver lines, a URL's authority) is read by nb_hostport_parse;
 * the flags say which forms a use accepts, and the messages are the same everywhere. */

#define NB_HOST_TEXT_MAX      254  /* a host name of at most 253 bytes, and its NUL */
#define NB_HOSTPORT_INPUT_MAX 1024 /* longer texts are refused before any parsing */

/* Which forms nb_hostport_parse accepts. Without NB_HP_PORT or NB_HP_PORT_REQUIRED
 * the text is a host alone; without NB_HP_NAMES the host must be an IP address. */
enum nb_hp_flag {
    NB_HP_PORT = 1 << 0,            /* a port may follow the host */
    NB_HP_PORT_REQUIRED = 1 << 1,   /* a port must follow the host */
    NB_HP_PORT_ZERO = 1 << 2,       /* port 0 is allowed (a listener: the kernel picks one) */
    NB_HP_PORT_ALONE = 1 << 3,      /* digits alone are a port with no host ("9087") */
    NB_HP_PORT_EMPTY = 1 << 4,      /* "HOST:" means the default port (RFC 3986 authority) */
    NB_HP_PORT_HASH = 1 << 5,       /* the port may also follow '#': ADDR#PORT, [IPv6]#PORT */
    NB_HP_COLON_BRACKETED = 1 << 6, /* only ']:' starts a port; a bare ':' is the host's */
    NB_HP_NAMES = 1 << 7,           /* a host name is allowed, not only an IP address */
    NB_HP_V6_BARE = 1 << 8,         /* an IPv6 address may stand without brackets (no port then) */
    NB_HP_ZONE = 1 << 9,            /* an IPv6 zone id after '%', as in fe80::1%eth0 */
    NB_HP_ZONE_URL = 1 << 10,       /* an IPv6 zone id written %25ZONE (RFC 6874) */
};

/* The flag sets of each use: the thin wrappers of the one parser. */
#define NB_HP_ENDPOINT (NB_HP_PORT_REQUIRED | NB_HP_ZONE) /* checksock: IP:PORT, [IPv6]:PORT */
#define NB_HP_CONNECT  (NB_HP_PORT | NB_HP_NAMES | NB_HP_V6_BARE | NB_HP_ZONE) /* send's HOST */
#define NB_HP_LISTEN                                                                               \
    (NB_HP_PORT_REQUIRED | NB_HP_PORT_ZERO | NB_HP_PORT_ALONE | NB_HP_NAMES | NB_HP_ZONE)
#define NB_HP_DNS_SERVER (NB_HP_PORT | NB_HP_PORT_HASH | NB_HP_V6_BARE | NB_HP_ZONE) /* -s, @IP */
#define NB_HP_RESOLV_CONF                                                                          \
    (NB_HP_DNS_SERVER | NB_HP_COLON_BRACKETED) /* as glibc: 1.2.3.4:53 is no address */
#define NB_HP_URL            (NB_HP_PORT | NB_HP_PORT_EMPTY | NB_HP_NAMES | NB_HP_ZONE_URL)
#define NB_HP_BRACKETED_HOST (NB_HP_ZONE) /* "[IPv6]" given where a host goes */

/* Where a host:port text divides, as offsets into it. */
struct nb_hostport_parts {
    size_t host_at, host_len; /* the host, without brackets */
    size_t port_at, port_len; /* the port's text, when has_port */
    int bracketed;            /* the host was written in brackets */
    int has_port;             /* a port separator was found (its text may be empty) */
};

enum nb_host_kind {
    NB_HOST_NONE, /* only a port was given (NB_HP_PORT_ALONE) */
    NB_HOST_NAME, /* letters, digits, '-', '.' and '_': to be looked up */
    NB_HOST_IP4,
    NB_HOST_IP6,
};

struct nb_hostport {
    enum nb_host_kind kind;
    char host[NB_HOST_TEXT_MAX]; /* the host as written, without brackets; "" if none; a
                                    URL's %25ZONE as %ZONE */
    struct nb_addr addr;         /* the address, when kind is NB_HOST_IP4 or NB_HOST_IP6 */
    uint16_t port;               /* the port given, else the default */
    int port_given;
    struct nb_hostport_parts parts; /* where the text divided (filled even on a failure) */
};

/* Finds where s[0..len) divides into host and port under flags, without judging
 * either part: "[IPv6]:PORT", "HOST:PORT", with NB_HP_PORT_HASH "HOST#PORT", and
 * an unbracketed text of two or more ':' as an IPv6 host (NB_HP_V6_BARE) or as
 * ambiguous. Returns 0 and fills *p, or -1 with e (may be NULL) set to
 * NB_E_INVALID naming the rule ("'[::1' has '[' without a closing ']'"). */
int nb_hostport_split(const char *s, size_t len, unsigned flags, struct nb_hostport_parts *p,
                      struct nb_err *e);

/* Parses s[0..len) as a host and port under flags (enum nb_hp_flag): splits it
 * as nb_hostport_split does, then judges the host (an IPv4 or IPv6 address, or
 * with NB_HP_NAMES a name) and the port (the one number parser: 1-65535, 0 with
 * NB_HP_PORT_ZERO; dflt when none is given). Returns 0 and fills *out, or -1
 * with e (may be NULL) set to NB_E_INVALID and one message naming the rule. */
int nb_hostport_parse(const char *s, size_t len, unsigned flags, uint16_t dflt,
                      struct nb_hostport *out, struct nb_err *e);

/* An endpoint: IPv4:PORT or [IPv6]:PORT, the port strict (1..65535, ASCII
 * digits, no leading zero); nb_hostport_parse with NB_HP_ENDPOINT. An
 * unbracketed IPv6 with a port ("::1:80") is refused as ambiguous. Returns 0
 * or -1 with e (may be NULL) set to NB_E_INVALID. */
int nb_endpoint_parse(const char *s, size_t len, struct nb_endpoint *out, struct nb_err *e);

/* Whether s[0..len) is a valid endpoint, exactly as nb_endpoint_parse says,
 * in one pass for the common IPv4:PORT form: the fast path of filters. */
int nb_endpoint_valid(const char *s, size_t len);

/* A CIDR block ADDR/PREFIX, strict address, prefix without leading zeros and no
 * larger than the family's width. Returns 0 or -1 with e set to NB_E_INVALID. */
int nb_cidr_parse(const char *s, size_t len, struct nb_cidr *out, struct nb_err *e);

/* Writes the canonical text of a (RFC 5952 for IPv6: lower case, longest run of
 * two or more zero groups as "::", ::ffff:a.b.c.d for mapped IPv4; "%zone" if
 * any) into buf of size n (NB_ADDR_TEXT_MAX is always enough). Returns buf. */
char *nb_addr_format(const struct nb_addr *a, char *buf, size_t n);

/* The address with only its first prefix bits kept (the network), and the
 * address with all the bits after the prefix set (the last address, which is
 * the broadcast address of an IPv4 block). The zone is kept. */
void nb_addr_mask(const struct nb_addr *a, unsigned prefix, struct nb_addr *out);
void nb_addr_fill(const struct nb_addr *a, unsigned prefix, struct nb_addr *out);

/* The netmask of a prefix in a's family. */
void nb_addr_netmask(int family, unsigned prefix, struct nb_addr *out);

/* The IPv4 address as a 32-bit number in host order. */
uint32_t nb_ip4_to_u32(const struct nb_addr *a);
void nb_ip4_from_u32(uint32_t v, struct nb_addr *out);

/* The registry's "Globally Reachable" flag of an entry. */
enum nb_reach {
    NB_REACH_NA,  /* the registry says N/A or gives no answer (6to4, Teredo, deprecated blocks) */
    NB_REACH_NO,  /* False: not forwarded beyond one administrative domain */
    NB_REACH_YES, /* True */
};

/* An entry of the IANA special-purpose address registries. */
struct nb_addr_kind {
    const char *kind;    /* short name: "loopback", "private", "global", ... */
    const char *block;   /* the registry block, "127.0.0.0/8"; "" for global */
    const char *rfc;     /* where it is defined, "RFC 1122"; "" for global */
    const char *about;   /* one sentence for a learner */
    enum nb_reach reach; /* globally reachable, as the registry says */
};

/* The most specific special-purpose block a belongs to (for IPv4-mapped IPv6,
 * the block of ::ffff:0:0/96), or the "global" entry when none. Never NULL;
 * the entry is static and constant. */
const struct nb_addr_kind *nb_addr_kind_of(const struct nb_addr *a);

/* The kind of a whole CIDR block: the entry of the most specific special
 * block that contains all of it, "global" when no special block overlaps it,
 * or NULL when it spans several kinds (as 0.0.0.0/0 does). */
const struct nb_addr_kind *nb_cidr_kind_of(const struct nb_cidr *c);

/* The i-th entry of the special-purpose table (its rows in registry order), or NULL past
 * the last: for tests that walk every entry. */
const struct nb_addr_kind *nb_addr_kind_at(size_t i);

/* The usable hosts of block c as Python's ipaddress hosts() gives them: IPv4 leaves out
 * the network and broadcast addresses, IPv6 the all-zeros Subnet-Router anycast address
 * (RFC 4291 2.6.1); a /31 or /127 is a point-to-point link of two hosts (RFC 3021, RFC
 * 6164) and a /32 or /128 one host. Sets *first and *last and returns how many of the
 * block's 2^(host bits) addresses are left out: 0, 1 or 2. */
int nb_cidr_hosts(const struct nb_cidr *c, struct nb_addr *first, struct nb_addr *last);

#endif
