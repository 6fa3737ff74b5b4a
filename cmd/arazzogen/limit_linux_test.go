package main

import "syscall"

// limitMemory caps the address space of a command run by a test at 3 GiB, so that a
// generator that reads or builds without bound fails there instead of taking the
// machine's memory.
func limitMemory() {
	const limit = 3 << 30
	_ = syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: limit, Max: limit})
}
