#include <stddef.h>
#include <stdint.h>

// libFuzzer's own driver, for a `main` of our own (see FuzzDriver.swift).
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
