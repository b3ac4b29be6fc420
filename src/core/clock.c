/* clock.c - the monotonic clock, deadlines, and durations as a person reads them. */
#include <netbasics/clock.h>

#include <limits.h>
#include <stdio.h>
#include <time.h>

#define NS_PER_MS 1000000LL
/* Longer timeouts are clamped to this (about 100 years) so ns never overflow. */
#define TIMEOUT_MAX_MS (100LL * 365 * 24 * 3600 * 1000)

static int64_t now_ns(void)
{
    struct timespec ts;

    /* CLOCK_MONOTONIC cannot fail with a valid pointer on any POSIX system. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t nb_now_ms(void)
{
    return now_ns() / NS_PER_MS;
}

void nb_deadline_init(struct nb_deadline *d, int64_t timeout_ms)
{
    if (timeout_ms < 0) {
        d->at_ns = -1;
        return;
    }
    if (timeout_ms > TIMEOUT_MAX_MS)
        timeout_ms = TIMEOUT_MAX_MS;
    d->at_ns = now_ns() + timeout_ms * NS_PER_MS;
}

int nb_deadline_left(const struct nb_deadline *d)
{
    int64_t left;

    if (d->at_ns < 0)
        return -1;
    left = d->at_ns - now_ns();
    if (left <= 0)
        return 0;
    /* Round up, so poll never wakes just before the deadline and spins. */
    left = (left + NS_PER_MS - 1) / NS_PER_MS;
    return left > INT_MAX ? INT_MAX : (int)left;
}

int nb_deadline_passed(const struct nb_deadline *d)
{
    return d->at_ns >= 0 && now_ns() >= d->at_ns;
}

char *nb_duration_format(int64_t ms, char *buf, size_t n)
{
    const char *sign = ms < 0 ? "-" : "";
    /* INT64_MIN has no positive counterpart: its magnitude as unsigned */
    uint64_t mag = ms < 0 ? 0 - (uint64_t)ms : (uint64_t)ms;
    unsigned long long whole = mag / 1000, frac = mag % 1000;
    int digits = 3;

    if (frac == 0) {
        snprintf(buf, n, "%s%llu s", sign, whole);
        return buf;
    }
    while (frac % 10 == 0) { /* 0.500 -> 0.5: the digits the person gave */
        frac /= 10;
        digits--;
    }
    snprintf(buf, n, "%s%llu.%0*llu s", sign, whole, digits, frac);
    return buf;
}
