//go:build !linux

package devserver

import "syscall"

// SysProcAttr puts the server in its own process group, which Stop ends.
func SysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
