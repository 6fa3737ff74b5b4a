//go:build !unix

package main

import (
	"math"
	"os"
)

// maxRSSMB is not measured on this system.
func maxRSSMB(*os.ProcessState) float64 { return math.NaN() }
