/* random.c - random numbers from getrandom, with the clock as a last resort. */
#include <netbasics/clock.h>
#include <netbasics/random.h>

#include <sys/random.h>

uint16_t nb_random_u16(void)
{
    uint16_t v;

    if (getrandom(&v, sizeof v, GRND_NONBLOCK) == (ssize_t)sizeof v)
        return v;
    return (uint16_t)(nb_now_ms() * 2654435761u >> 7);
}
