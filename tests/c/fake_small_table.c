/*
 * A fake plugin that speaks ABI 1.0 but hands out a function table smaller than ABI 1.0's (only its size and
 * version fields). A host must check struct_size before reading any function pointer and refuse it
 * (tests/hosts.rs checks host-sim's and the C# binding's messages).
 */
#include <stdint.h>

struct SmallTable {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
};

static const struct SmallTable TABLE = {sizeof(struct SmallTable), 1, 0};

uint32_t connector_abi_version(void);
const void *connector_entry(void);

uint32_t connector_abi_version(void) {
    return (uint32_t)1 << 16;
}

const void *connector_entry(void) {
    return &TABLE;
}
