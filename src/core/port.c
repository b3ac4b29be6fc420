/* port.c - IANA's classes of port numbers (RFC 6335 section 6), for a learner. */
#include <netbasics/port.h>

const struct nb_port_kind *nb_port_kind_of(unsigned port)
{
    static const struct nb_port_kind kinds[] = {
        {"well-known", "below 1024: listening on it needs root or CAP_NET_BIND_SERVICE"},
        {"registered", "1024 to 49151: any program may listen on it"},
        {"ephemeral", "49152 and above: the range client ports are picked from"},
    };

    return port < 1024 ? &kinds[0] : port < 49152 ? &kinds[1] : &kinds[2];
}
