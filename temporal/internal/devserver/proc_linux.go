package devserver

import "syscall"

// SysProcAttr puts the server in its own process group (Stop ends the group) and ends it
// when the process that started it dies, so that a test killed by its timeout leaves no
// server behind.
func SysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
