/*
 * A fake plugin that speaks connector ABI 2.0: exports the version query only. host-sim must refuse it
 * before resolving anything else, naming both versions (tests/hosts.rs checks the message).
 */
#include <stdint.h>

uint32_t connector_abi_version(void);

uint32_t connector_abi_version(void) {
    return (uint32_t)2 << 16;
}
