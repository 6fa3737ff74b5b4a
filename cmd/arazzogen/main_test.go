package main

import (
	"os"
	"testing"
)

// childEnv makes the test binary run as the command itself (tests that must run it in a
// process of its own start the test binary again with it set).
const childEnv = "ARAZZOGEN_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		limitMemory()
		os.Exit(command(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
