/* lesson.c - the lesson's isipandport and Python's int(), reproduced exactly,
 * and the tour's steps: the lesson's words and Python beside the commands. */
#include <netbasics/lesson.h>
#include <netbasics/out.h>

#include <stdio.h>
#include <string.h>

/* The zero of every run of ten decimal digits (Unicode 14, category Nd). */
static const uint32_t ND_ZEROS[] = {
    0x0030,  0x0660,  0x06F0,  0x07C0,  0x0966,  0x09E6,  0x0A66,  0x0AE6,  0x0B66,  0x0BE6,
    0x0C66,  0x0CE6,  0x0D66,  0x0DE6,  0x0E50,  0x0ED0,  0x0F20,  0x1040,  0x1090,  0x17E0,
    0x1810,  0x1946,  0x19D0,  0x1A80,  0x1A90,  0x1B50,  0x1BB0,  0x1C40,  0x1C50,  0xA620,
    0xA8D0,  0xA900,  0xA9D0,  0xA9F0,  0xAA50,  0xABF0,  0xFF10,  0x104A0, 0x10D30, 0x11066,
    0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0,
    0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2,
    0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
};

static int digit_value(uint32_t c)
{
    for (size_t i = 0; i < sizeof ND_ZEROS / sizeof ND_ZEROS[0]; i++)
        if (c >= ND_ZEROS[i] && c < ND_ZEROS[i] + 10)
            return (int)(c - ND_ZEROS[i]);
    return -1;
}

/* The spaces int() strips: ASCII space, \t \n \v \f \r, and the non-ASCII
 * code points of str.isspace() (CPython maps those to ' ' first; the ASCII
 * separators 0x1c-0x1f, which isspace() also counts, are not stripped). */
static int py_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
           c == 0x205f || c == 0x3000;
}

int nb_py_int(const char *s, size_t len, int *neg, uint64_t *mag, int *big)
{
    enum { LEAD, SIGN, DIGITS, UNDERSCORE, TRAIL } at = LEAD; /* what the last code point was */
    uint64_t v = 0;
    size_t i = 0, ndigits = 0;

    *neg = 0;
    *big = 0;
    while (i < len) {
        uint32_t c;
        size_t k = nb_utf8_decode((const unsigned char *)s + i, len - i, &c);
        int d;
        if (k == 0)
            goto refused;
        i += k;
        if (py_space(c)) {
            if (at == SIGN || at == UNDERSCORE)
                goto refused;
            if (at == DIGITS)
                at = TRAIL;
            continue;
        }
        if (at == TRAIL)
            goto refused; /* something after the trailing spaces */
        if (at == LEAD && (c == '+' || c == '-')) {
            *neg = c == '-';
            at = SIGN;
            continue;
        }
        if (c == '_') {
            if (at != DIGITS)
                goto refused; /* an underscore only between two digits */
            at = UNDERSCORE;
            continue;
        }
        d = digit_value(c);
        if (d < 0)
            goto refused;
        at = DIGITS;
        ndigits++;
        if (v > (UINT64_MAX - (unsigned)d) / 10) {
            v = UINT64_MAX;
            *big = 1;
        } else if (!*big) {
            v = v * 10 + (unsigned)d;
        }
    }
    if (ndigits == 0 || at == UNDERSCORE)
        goto refused;
    if (ndigits > NB_PY_INT_MAX_DIGITS)
        return -2; /* ValueError: Exceeds the limit (4300 digits) for integer string conversion */
    *mag = v;
    return 0;
refused:
    /* as CPython: a misplaced underscore is refused at once; anything else after the digits
     * only once their count is within the limit */
    return at != UNDERSCORE && ndigits > NB_PY_INT_MAX_DIGITS ? -2 : -1;
}

void nb_lesson_isipandport(const char *s, size_t len, struct nb_lesson_verdict *v)
{
    const char *colon;
    struct nb_err e;

    memset(v, 0, sizeof *v);
    if (len == 0) {
        snprintf(v->why, sizeof v->why, "it is empty, and 'if not socketstring' returns False");
        return;
    }
    colon = memchr(s, ':', len);
    if (!colon || memchr(colon + 1, ':', len - (size_t)(colon + 1 - s))) {
        snprintf(v->why, sizeof v->why,
                 "split(':') must give exactly 2 parts for 'ip, port = ...'; it has %s ':'",
                 colon ? "more than one" : "no");
        return;
    }
    if (memchr(s, '\0', len)) {
        snprintf(v->why, sizeof v->why, "Python refuses a NUL byte inside the address");
        return;
    }
    if (nb_ip4_parse_lenient(s, (size_t)(colon - s), &v->addr, &v->quirks, &e) < 0) {
        snprintf(v->why, sizeof v->why, "socket.inet_aton raises an error: %s", e.msg);
        return;
    }
    switch (
        nb_py_int(colon + 1, len - (size_t)(colon + 1 - s), &v->port_neg, &v->port, &v->port_big)) {
    case -1:
        snprintf(v->why, sizeof v->why, "int() raises ValueError for the port");
        return;
    case -2:
        snprintf(v->why, sizeof v->why,
                 "int() raises ValueError for the port: it has more than %d digits, Python's "
                 "limit (sys.get_int_max_str_digits())",
                 NB_PY_INT_MAX_DIGITS);
        return;
    }
    v->accepted = 1;
    v->port_warning = v->port_neg || v->port < 7 || v->port > 65535;
}

static const char PAGE[] = "<!doctype html><title>netbasics tour</title>"
                           "<h1>Hello from 127.0.0.1</h1>\n";

/* The tour, in the lesson's order. */
static const struct nb_tour_step STEPS[] = {
    {
        .title = "names: the hosts file",
        .lesson = "That URL isn't the real address. It is a name that corresponds to the real "
                  "address.",
        .python = "socket.getaddrinfo('localhost', None)",
        .cmd = {{
            .args = {"resolve", "localhost"},
            .expect = 0,
            .after = "   Python's socket module (getaddrinfo) reads the hosts file before asking "
                     "DNS, as above.\n",
        }},
    },
    {
        .title = "names: asking a name server",
        .lesson = "$ nslookup gnomon.securitystandard.org",
        .python = "socket.gethostbyname('gnomon.securitystandard.org')",
        .cmd = {{
                    .before = "   The answer below comes from the tour's own name server on "
                              "127.0.0.1, a STAND-IN\n"
                              "   for the real one: it knows only the lesson's example, with "
                              "the lesson's answer.\n",
                    .args = {"resolve", "gnomon.securitystandard.org"},
                    .expect = 0,
                    .after = "   gnomon is another name (CNAME) for hermes, whose address is "
                             "185.172.165.184.\n"
                             "   Off the tour, 'netbasics resolve gnomon.securitystandard.org' "
                             "asks the real\n"
                             "   name server, whose answer may have changed since the lesson.\n",
                },
                {
                    .before = "\n   nslookup asks a name server only, never the hosts file:\n",
                    .args = {"resolve", "--dns-only", "localhost"},
                    .expect = 1,
                    .after = "   The tour's name server has never heard of 'localhost' and says "
                             "NXDOMAIN, as\n"
                             "   many real ones do: that is why nslookup and Python can "
                             "disagree about a name.\n",
                }},
    },
    {
        .title = "octets: the loopback address",
        .lesson = "Each of these numbers separated by dots is called an octet.",
        .python = "[format(int(o), '08b') for o in '127.0.0.1'.split('.')]",
        .cmd = {{.args = {"octets", "127.0.0.1"}, .expect = 0}},
    },
    {
        .title = "octets: the lesson's address in binary",
        .lesson = "Here is how they look in binary. Let's do the math and prove it.",
        .python = "[format(int(o), '08b') for o in '185.172.165.184'.split('.')]",
        .cmd = {{.args = {"octets", "185.172.165.184"}, .expect = 0},
                {
                    .before = "\n   Quiz yourself:\n",
                    .args = {"octets", "--quiz", "--count", "1"},
                    .input = "255\n",
                    .shown = "echo 255 | ",
                    .expect = 0,
                }},
    },
    {
        .title = "checking ip:port",
        .lesson = "Ask the user for an IP and port number. If the user gives you one, say "
                  "'Thanks!'",
        .python = "isipandport('127.0.0.1:9087')",
        .cmd = {{.args = {"checksock", "127.0.0.1:9087", "256.1.1.1:80", "1.2.3.4:70000"},
                 .expect = 1},
                {
                    .before = "\n   The lesson's isipandport() uses inet_aton, which accepts "
                              "more than it should:\n",
                    .args = {"checksock", "--lenient", "127.1:9087"},
                    .expect = 0,
                }},
    },
    {
        .title = "a server and a client",
        .lesson = "Lets write a program to talk between computers.",
        .python = "server.bind(('0.0.0.0', 9087)); netcat('127.0.0.1', 9087, b'hello\\nbye\\n')",
        .server = {.args = {"listen", "127.0.0.1:0"}, .outs = 1, .expect = 0},
        .cmd = {{
            .args = {"send", "127.0.0.1", "$PORT"},
            .input = "hello\nbye\n",
            .shown = "printf 'hello\\nbye\\n' | ",
            .expect = 0,
        }},
    },
    {
        .title = "ports: the server seen by netstat -an",
        .lesson = "$ netstat -an",
        .python = "# a shell command: it lists every socket, and the server's is LISTEN",
        .server = {.args = {"listen", "127.0.0.1:0"}, .outs = 1, .expect = 0},
        .cmd = {{
                    .args = {"ports", "-an", "--port", "$PORT"},
                    .expect = 0,
                    .after = "   The server's socket waits in state LISTEN for a client; "
                             "netstat -an shows\n"
                             "   it the same way (netbasics ports shows every socket with -a "
                             "or without it).\n",
                },
                {
                    .before = "\n   A client says bye, and the server stops:\n",
                    .args = {"send", "127.0.0.1", "$PORT"},
                    .input = "bye\n",
                    .shown = "echo bye | ",
                    .expect = 0,
                }},
    },
    {
        .title = "downloading a page",
        .lesson = "Download the Python web page and display your local copy in a web browser",
        .python = "open('mycopy.html', 'wb').write(urllib.request.urlopen(url).read())",
        .server =
            {.args = {"listen", "--raw", "127.0.0.1:0"}, .page = PAGE, .outs = 3, .expect = -1},
        .cmd = {{
            .args = {"fetch", "-o", "$COPY", "$URL"},
            .expect = 0,
            .after = "   The copy stays there after the tour: the lesson's last exercise "
                     "starts from it.\n"
                     "   (Unlike the lesson's open(..., 'wb'), fetch never replaces a file "
                     "that is there.)\n",
        }},
    },
};

const struct nb_tour_step *nb_tour_steps(int *n)
{
    *n = (int)(sizeof STEPS / sizeof STEPS[0]);
    return STEPS;
}
